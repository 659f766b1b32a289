import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { JwtService } from '@nestjs/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpgradeRefused, WsTestClient } from '../../src/testing/ws-test-client.js';
import { buildPackage, type PackageBuild } from '../support/package-build.js';

/**
 * `npm start` and `npm run token` as package.json runs them (the node part of
 * each script, pointed at this test's build), in a folder holding a `.env`.
 */
const root = resolve(import.meta.dirname, '../..');
const scripts = (
  JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  }
).scripts;
let build: PackageBuild;
const folders: string[] = [];

/** The `node ...` command of a script, as arguments, with `dist/` replaced by the test's build. */
function nodeArgs(script: string): string[] {
  const command = (script.split('&&').at(-1) as string).trim().split(/\s+/);
  expect(command[0]).toBe('node');
  return command.slice(1).map((arg) => arg.replace(/^dist\//, `${build.outDir}/`));
}

/** A fresh folder holding `.env` with these lines, as the app's working directory. */
function folderWithEnv(lines: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'nsw-env-'));
  folders.push(dir);
  writeFileSync(join(dir, '.env'), `${lines.join('\n')}\n`);
  return dir;
}

/** Nothing from this process's environment: what the app knows comes from `.env`. */
const bareEnv = () => ({ PATH: process.env.PATH ?? '' });

async function token(cwd: string, sub: string): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [...nodeArgs(scripts.token as string), '--sub', sub, '--ttl', '5m'],
    { cwd, env: bareEnv() },
  );
  return stdout.trim();
}

async function start(
  cwd: string,
): Promise<{ child: ChildProcess; logs: Record<string, unknown>[] }> {
  const child = spawn(process.execPath, nodeArgs(scripts.start as string), {
    cwd,
    env: bareEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  await new Promise<void>((done, fail) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      logs.push(entry);
      if (entry.msg === 'Reference app listening') done();
    });
    child.once('exit', (code) => fail(new Error(`Reference app exited ${code}: ${stderr}`)));
  });
  return { child, logs };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  // 'close', not 'exit': by then its stdout has been read to the end.
  const closed = once(child, 'close');
  child.kill('SIGTERM');
  await closed;
}

describe('the reference app and the token command read .env', () => {
  beforeAll(async () => {
    build = await buildPackage('env-file-test');
  }, 120_000);
  afterAll(() => {
    build.remove();
    for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  });

  it('in development without JWT_SECRET, `npm run token` right after `npm start` gives a token /ws accepts', async () => {
    // PORT=0 from .env: a free port (without .env the app would take 3000).
    const cwd = folderWithEnv([
      'PORT=0',
      'SEED_ECHO_PORT=0',
      'SEED_SECURE_PORT=0',
      'OPS_PORT=0',
      'ALLOWED_ORIGINS=https://from-dotenv.example',
    ]);
    const { child, logs } = await start(cwd);
    try {
      const listening = logs.find((entry) => entry.msg === 'Reference app listening');
      const port = Number(new URL(String(listening?.http)).port);
      expect(port).toBeGreaterThan(0);
      expect(port).not.toBe(3000);
      const notice = logs.find((entry) => typeof entry.sampleToken === 'string');
      expect(notice).toMatchObject({ level: 40, secretFile: '.dev-jwt-secret' });
      expect(notice?.msg).toMatch(/^JWT_SECRET is not set: wrote a development secret/);
      expect(readFileSync(join(cwd, '.dev-jwt-secret'), 'utf8').trim()).toHaveLength(43);

      const url = `ws://127.0.0.1:${port}/ws`;
      const client = await WsTestClient.connect(url, {
        token: await token(cwd, 'alice'),
        headers: { origin: 'https://from-dotenv.example' },
      });
      expect(await client.request('whoami')).toMatchObject({
        event: 'whoami',
        data: { userId: 'alice' },
      });
      client.close();
      const foreign = await WsTestClient.connect(url, {
        headers: { origin: 'https://elsewhere.example' },
      }).catch((error: unknown) => error);
      expect(foreign).toBeInstanceOf(UpgradeRefused);
      expect((foreign as UpgradeRefused).status).toBe(403);
    } finally {
      await stop(child);
    }
    // One log format: every line was parsed as pino JSON (JSON.parse throws otherwise), Nest's own included.
    expect(logs.find((entry) => entry.context === 'NestApplication')).toBeDefined();
    // A second start reuses the secret: the token made earlier still opens /ws.
    const again = await start(cwd);
    try {
      const notice = again.logs.find((entry) => typeof entry.sampleToken === 'string');
      expect(notice?.msg).toMatch(/^JWT_SECRET is not set: using the development secret/);
      const listening = again.logs.find((entry) => entry.msg === 'Reference app listening');
      const client = await WsTestClient.connect(`${String(listening?.ws)}`, {
        token: await token(cwd, 'bob'),
      });
      expect(await client.request('whoami')).toMatchObject({ data: { userId: 'bob' } });
      client.close();
    } finally {
      await stop(again.child);
    }
  }, 60_000);

  it('stops with one JSON log line naming the setting when .env holds a bad one', async () => {
    const cwd = folderWithEnv(['JWT_SECRET=too-short']);
    const child = spawn(process.execPath, nodeArgs(scripts.start as string), {
      cwd,
      env: bareEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const [code] = (await once(child, 'close')) as [number | null];
    expect(code).toBe(1);
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([
      expect.objectContaining({ level: 60, msg: 'JWT_SECRET must be at least 32 bytes long.' }),
    ]);
  });

  it('signs with JWT_SECRET from .env, and makes no development secret', async () => {
    const secret = 'a-secret-from-dotenv-of-at-least-32-bytes';
    const cwd = folderWithEnv([`JWT_SECRET=${secret}`]);
    const jwt = await token(cwd, 'carol');
    expect(new JwtService({ secret }).verify(jwt)).toMatchObject({ sub: 'carol' });
    expect(existsSync(join(cwd, '.dev-jwt-secret'))).toBe(false);
  });
});
