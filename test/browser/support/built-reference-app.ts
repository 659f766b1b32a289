import { type ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort } from '../../../src/testing/free-port.js';
import { buildPackage, type PackageBuild } from '../../support/package-build.js';

const root = resolve(import.meta.dirname, '../../..');

/** The reference app compiled by tsc into a folder of its own (never `dist`, which others build). */
export type ReferenceAppBuild = PackageBuild;

export function buildReferenceApp(): Promise<ReferenceAppBuild> {
  return buildPackage('browser-test');
}

/** `npm start`, as a child process on free loopback ports, its JSON log lines kept. */
export interface RunningReferenceApp {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly port: number;
  /** `http://127.0.0.1:<port>` of the loopback operations server (`/metrics`, `/health`). */
  readonly opsOrigin: string;
  readonly logs: Array<Record<string, unknown>>;
  /** Sends a signal to the app's process (e.g. `SIGHUP`). */
  signal(signal: NodeJS.Signals): void;
  stop(): Promise<void>;
}

export async function startReferenceApp(
  build: ReferenceAppBuild,
  env: Record<string, string> = {},
  startTimeoutMs = 20_000,
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
      OPS_PORT: '0',
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
  let opsOrigin = '';
  const listening = new Promise<string>((done, fail) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        if (entry.msg === 'Reference app listening') {
          opsOrigin = String(entry.ops);
          done(String(entry.http));
        }
      } catch {
        logs.push({ text: line });
      }
    });
    void exited.then((code) => fail(new Error(`Reference app exited ${code}: ${stderr}`)));
  });
  const timeout = setTimeout(() => child.kill('SIGKILL'), startTimeoutMs);
  const origin = await listening.finally(() => clearTimeout(timeout));
  return {
    origin,
    port: Number(new URL(origin).port),
    opsOrigin,
    logs,
    signal: (signal) => child.kill(signal),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
