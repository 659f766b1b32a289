import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { type PackageBuild } from '../../support/package-build.js';

const root = resolve(import.meta.dirname, '../../..');
export const JWT_SECRET = 'delivery-test-secret-that-is-long-enough-0123';

/**
 * The built reference app as a child process on a fixed loopback port, so
 * that it can be SIGKILLed and started again where clients reconnect.
 */
export class AppProcess {
  private child: ChildProcess | undefined;

  constructor(
    private readonly build: PackageBuild,
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {}

  get url(): string {
    return `ws://127.0.0.1:${this.port}/ws`;
  }

  async start(): Promise<void> {
    const child = spawn(process.execPath, [join(this.build.outDir, 'app/main.js')], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'development',
        HOST: '127.0.0.1',
        PORT: String(this.port),
        SEED_ECHO_PORT: '0',
        SEED_SECURE_PORT: '0',
        OPS_PORT: '0',
        LOG_LEVEL: 'info',
        JWT_SECRET,
        MESSAGES_PER_SECOND: '100000',
        MAX_CONNECTIONS_PER_IP: '1000',
        HANDSHAKES_PER_MINUTE: '100000',
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    let output = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    await new Promise<void>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`app did not start: ${output}`)), 60_000);
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
        if (line.includes('Reference app listening')) {
          clearTimeout(timer);
          done();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        fail(new Error(`app exited ${code}: ${output}`));
      });
    });
  }

  /** SIGKILL: a crash, no goodbye to clients or Redis. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  /** SIGTERM, then SIGKILL after 5 s. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
  }
}
