import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';

const root = resolve(import.meta.dirname, '../../..');

/** The reference app compiled by tsc into a folder of its own (never `dist`, which others build). */
export interface ReferenceAppBuild {
  readonly outDir: string;
  remove(): void;
}

export async function buildReferenceApp(): Promise<ReferenceAppBuild> {
  const outDir = join(root, 'build', `browser-test-${process.pid}`);
  await promisify(execFile)(
    process.execPath,
    [
      join(root, 'node_modules/typescript/bin/tsc'),
      '-p',
      'tsconfig.build.json',
      '--outDir',
      outDir,
    ],
    { cwd: root },
  );
  return { outDir, remove: () => rmSync(outDir, { recursive: true, force: true }) };
}

/**
 * A port that was free a moment ago. The app's allowed origins are built from
 * PORT, so it cannot listen on port 0 and still accept its own page.
 */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** `npm start`, as a child process on free loopback ports, its JSON log lines kept. */
export interface RunningReferenceApp {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly port: number;
  readonly logs: Array<Record<string, unknown>>;
  stop(): Promise<void>;
}

export async function startReferenceApp(
  build: ReferenceAppBuild,
  env: Record<string, string> = {},
): Promise<RunningReferenceApp> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [join(build.outDir, 'app/main.js')], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(port),
      SEED_ECHO_PORT: '0',
      SEED_SECURE_PORT: '0',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const listening = new Promise<string>((done, fail) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        if (entry.msg === 'Reference app listening') done(String(entry.http));
      } catch {
        logs.push({ text: line });
      }
    });
    void exited.then((code) => fail(new Error(`Reference app exited ${code}: ${stderr}`)));
  });
  const timeout = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const origin = await listening.finally(() => clearTimeout(timeout));
  return {
    origin,
    port: Number(new URL(origin).port),
    logs,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
