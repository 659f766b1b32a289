import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/testing/free-port.js';
import { WsTestClient } from '../../src/testing/ws-test-client.js';
import { codeBlocksUnder } from '../support/markdown.js';
import { nodeRuntime, SUPPORTED_NODE_MAJORS } from '../support/node-runtime.js';
import { type PackedPackage, packPackage } from '../support/package-pack.js';

/**
 * The package as a user's app meets it: `npm pack`, the tarball installed into
 * a scratch Nest app, compiled by `tsc` as CommonJS and as ESM, booted on every
 * supported Node and talked to over a real socket.
 */

const root = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** The app, the same text for both module systems; `package.json`'s `type` decides which it is. */
const APP_SOURCE = `import 'reflect-metadata';
import { createRequire } from 'node:module';
import { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { SecureWsAdapter, SecureWsModule, WsErrorCode } from 'nestjs-secure-ws';
import { WsClient } from 'nestjs-secure-ws/client';
import { createTestApp } from 'nestjs-secure-ws/testing';

@WebSocketGateway({ path: '/ws' })
class EchoGateway {
  @SubscribeMessage('echo')
  echo(@MessageBody() data: unknown) {
    return data;
  }
}

@Module({ imports: [SecureWsModule.forRoot({})], providers: [EchoGateway] })
class AppModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(AppModule, { logger: false });
  app.useWebSocketAdapter(app.get(SecureWsAdapter));
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  // CommonJS packages, whether required or imported, are in one cache: an app without Redis loads no ioredis.
  const cached = Object.keys(createRequire(join(process.cwd(), 'main.js')).cache);
  const ioredisLoaded = cached.some((path) => path.includes('/node_modules/ioredis/'));
  const loaded = [typeof WsClient, typeof createTestApp, WsErrorCode.BAD_FRAME, ioredisLoaded];
  process.stdout.write('READY ' + JSON.stringify({ port, loaded }) + '\\n');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
`;

/**
 * Snippets of the docs, compiled as written in the ESM app (where top-level
 * await is allowed); the README's quick start is also run.
 */
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const clientPage = readFileSync(join(root, 'docs/client.md'), 'utf8');
const DOC_SNIPPETS: Record<string, string> = {
  'quick-start.ts': codeBlocksUnder(readme, '## Quick start')[0] as string,
  ...Object.fromEntries(
    codeBlocksUnder(clientPage, '# Client').map((text, i) => [`client-doc-${i + 1}.ts`, text]),
  ),
};

/** `nodenext` as `nest new` sets it up since Nest 11; `commonjs` as older Nest apps have it. */
function tsconfig(app: ConsumerApp): string {
  return JSON.stringify({
    compilerOptions: {
      target: 'ES2023',
      module: app.kind === 'classic-commonjs' ? 'commonjs' : 'nodenext',
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      strict: true,
      skipLibCheck: true,
      types: ['node'],
      rootDir: 'src',
      outDir: 'dist',
    },
    include: ['src'],
  });
}

interface ConsumerApp {
  /** commonjs and module: tsc's `module: nodenext`; classic-commonjs: `module: commonjs`. */
  readonly kind: 'commonjs' | 'module' | 'classic-commonjs';
  readonly dir: string;
}

/** Writes an app's sources and compiles it with the repository's `tsc`. */
async function compileApp(app: ConsumerApp): Promise<void> {
  mkdirSync(join(app.dir, 'src'), { recursive: true });
  writeFileSync(join(app.dir, 'src/main.ts'), APP_SOURCE);
  if (app.kind === 'module') {
    for (const [name, text] of Object.entries(DOC_SNIPPETS))
      writeFileSync(join(app.dir, 'src', name), text);
  }
  writeFileSync(join(app.dir, 'tsconfig.json'), tsconfig(app));
  await run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', app.dir]).catch(
    (error: { stdout?: string }) => {
      throw new Error(`tsc failed on the ${app.kind} app:\n${error.stdout}`);
    },
  );
}

/** Boots `dist/main.js` of an app on `node`; resolves with its port once it listens. */
async function boot(
  node: string,
  app: ConsumerApp,
): Promise<{ child: ChildProcess; port: number; loaded: unknown }> {
  const child = spawn(node, ['dist/main.js'], { cwd: app.dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const ready = new Promise<{ port: number; loaded: unknown }>((resolveReady, reject) => {
    lines.on('line', (line) => {
      if (line.startsWith('READY ')) resolveReady(JSON.parse(line.slice('READY '.length)));
    });
    child.once('exit', (code) => reject(new Error(`exited ${code} before listening: ${stderr}`)));
  });
  return { child, ...(await ready) };
}

/** Sends SIGTERM; resolves with how the process ended: its exit code, or the signal that ended it. */
async function stop(child: ChildProcess): Promise<number | NodeJS.Signals | null> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }
  return child.signalCode ?? child.exitCode;
}

/**
 * Runs the quick start (which listens on PORT) until it listens; a port taken
 * meanwhile by another test ends the process, and another is tried.
 */
async function startQuickStart(app: ConsumerApp): Promise<{ child: ChildProcess; port: number }> {
  const node = await nodeRuntime(SUPPORTED_NODE_MAJORS[0]);
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawn(node, ['dist/quick-start.js'], {
      cwd: app.dir,
      env: { PATH: process.env.PATH ?? '', PORT: String(port), NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const started = await new Promise<boolean>((done) => {
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Nest application successfully started')) done(true);
      };
      child.stdout?.on('data', read);
      child.stderr?.on('data', read);
      child.once('exit', () => done(false));
    });
    // Nest says so at the end of init(), a moment before the server listens.
    while (started && child.exitCode === null && child.signalCode === null) {
      const open = await new Promise<boolean>((done) => {
        const socket = connect(port, '127.0.0.1', () => done(true)).once('error', () =>
          done(false),
        );
        socket.once('connect', () => socket.destroy());
      });
      if (open) return { child, port };
      await new Promise((done) => setTimeout(done, 100));
    }
    if (attempt === 3) throw new Error(`the quick start did not start: ${output}`);
  }
}

let packed: PackedPackage;
let scratch: string;
const apps: ConsumerApp[] = [];

describe('the packed package in a user app', () => {
  beforeAll(async () => {
    packed = await packPackage('consumers');
    scratch = mkdtempSync(join(tmpdir(), 'nsw-consumers-'));
    // One install serves both apps: the CommonJS app at the root, the ESM app in
    // a folder below it with a package.json of its own that says "type": "module".
    const peers = [
      '@nestjs/common',
      '@nestjs/core',
      '@nestjs/platform-express',
      '@nestjs/platform-ws',
      '@nestjs/websockets',
      'reflect-metadata',
      'rxjs',
    ];
    writeFileSync(
      join(scratch, 'package.json'),
      JSON.stringify({
        name: 'scratch-cjs-app',
        private: true,
        type: 'commonjs',
        dependencies: {
          'nestjs-secure-ws': `file:${packed.tarball}`,
          ...Object.fromEntries(peers.map((name) => [name, manifest.devDependencies[name]])),
          // The quick start's DTO imports it, as a user's DTOs do.
          'class-validator': manifest.dependencies['class-validator'],
        },
        devDependencies: {
          '@types/node': '^22.10.0',
          '@types/ws': manifest.devDependencies['@types/ws'],
        },
      }),
    );
    await run(
      'npm',
      [
        'install',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        '--prefer-dedupe',
        '--loglevel=error',
      ],
      {
        cwd: scratch,
        env: { ...process.env, npm_config_update_notifier: 'false' },
      },
    );
    const esm = join(scratch, 'esm');
    mkdirSync(esm);
    writeFileSync(
      join(esm, 'package.json'),
      JSON.stringify({ name: 'scratch-esm-app', private: true, type: 'module' }),
    );
    // No package.json of its own: "type": "commonjs" of the root applies.
    const classic = join(scratch, 'classic');
    mkdirSync(classic);
    apps.push(
      { kind: 'commonjs', dir: scratch },
      { kind: 'module', dir: esm },
      { kind: 'classic-commonjs', dir: classic },
    );
    await Promise.all(apps.map(compileApp));
  }, 300_000);

  afterAll(() => {
    if (process.env.KEEP_SCRATCH) return console.info(`kept ${scratch} and ${packed?.tarball}`);
    packed?.remove();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }, 60_000);

  it('ships the built entry points, LICENSE and source maps that carry their sources', () => {
    expect(packed.files).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'LICENSE',
        'dist/index.js',
        'dist/client/index.js',
        'dist/testing/index.js',
      ]),
    );
    expect(packed.files.filter((file) => file.startsWith('dist/app/'))).toEqual([]);
    const maps = packed.files.filter((file) => file.endsWith('.js.map'));
    expect(maps.length).toBeGreaterThan(10);
    const installed = join(scratch, 'node_modules/nestjs-secure-ws');
    const unresolved = maps.filter((file) => {
      const map = JSON.parse(readFileSync(join(installed, file), 'utf8')) as {
        sources: string[];
        sourcesContent?: (string | null)[];
      };
      return map.sources.some(
        (source, i) =>
          typeof map.sourcesContent?.[i] !== 'string' &&
          !existsSync(resolve(installed, file, '..', source)),
      );
    });
    expect(unresolved).toEqual([]);
  });

  it('runs the README quick start as written, and compiles the client page snippets', async () => {
    expect(Object.keys(DOC_SNIPPETS)).toEqual([
      'quick-start.ts',
      'client-doc-1.ts',
      'client-doc-2.ts',
    ]);
    const app = apps.find((candidate) => candidate.kind === 'module') as ConsumerApp;
    const { child, port } = await startQuickStart(app);
    try {
      const client = await WsTestClient.connect(`ws://127.0.0.1:${port}/ws`);
      client.send({ event: 'profile.update', data: { email: 'a@b.co' }, id: '1' });
      expect(await client.next()).toEqual({
        event: 'profile.updated',
        data: { email: 'a@b.co' },
        id: '1',
      });
      client.send({ event: 'profile.update', data: { email: 'nope' }, id: '2' });
      expect(await client.next()).toMatchObject({
        event: 'error',
        data: { code: 'VALIDATION_FAILED', event: 'profile.update', details: [{ path: 'email' }] },
        id: '2',
      });
      client.close();
    } finally {
      await stop(child);
    }
  }, 60_000);

  it('lets npm keep one copy of ws, shared with @nestjs/platform-ws', () => {
    expect(existsSync(join(scratch, 'node_modules/ws/package.json'))).toBe(true);
    expect(existsSync(join(scratch, 'node_modules/@nestjs/platform-ws/node_modules/ws'))).toBe(
      false,
    );
    expect(existsSync(join(scratch, 'node_modules/nestjs-secure-ws/node_modules/ws'))).toBe(false);
  });

  it('is compiled by tsc into CommonJS apps that require it (module nodenext and commonjs), and an ESM app that imports it', () => {
    const cjs = readFileSync(join(scratch, 'dist/main.js'), 'utf8');
    expect(cjs).toContain('require("nestjs-secure-ws")');
    expect(cjs).toContain('require("nestjs-secure-ws/client")');
    expect(readFileSync(join(scratch, 'classic/dist/main.js'), 'utf8')).toContain(
      'require("nestjs-secure-ws")',
    );
    const esm = readFileSync(join(scratch, 'esm/dist/main.js'), 'utf8');
    expect(esm).toContain("from 'nestjs-secure-ws'");
    expect(esm).not.toContain('require(');
  });

  for (const major of SUPPORTED_NODE_MAJORS) {
    for (const kind of ['commonjs', 'module', 'classic-commonjs'] as const) {
      it(`boots the ${kind} app on Node ${major} and answers over a real socket`, async () => {
        const app = apps.find((candidate) => candidate.kind === kind) as ConsumerApp;
        const node = await nodeRuntime(major);
        const { child, port, loaded } = await boot(node, app);
        try {
          expect(loaded).toEqual(['function', 'function', 'BAD_FRAME', false]);
          const client = await WsTestClient.connect(`ws://127.0.0.1:${port}/ws`);
          client.send({ event: 'echo', data: { text: 'hi' }, id: '1' });
          expect(await client.next()).toEqual({ event: 'echo', data: { text: 'hi' }, id: '1' });
          client.sendText('not json');
          expect(await client.next()).toMatchObject({
            event: 'error',
            data: { code: 'BAD_FRAME' },
          });
          const closed = client.closed;
          // enableShutdownHooks: Nest closes the app, then ends the process with the signal it got.
          expect(await stop(child)).toBe('SIGTERM');
          expect(await closed).toEqual({ code: 1001, reason: 'SHUTTING_DOWN' });
        } finally {
          await stop(child);
        }
      }, 60_000);
    }
  }
});
