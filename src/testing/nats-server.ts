import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './redis-server.js';

const START_TIMEOUT_MS = 5000;

function assertInstalled(): void {
  try {
    execFileSync('nats-server', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error(
      'nats-server is not installed: a real NATS is needed here (Debian: apt-get install nats-server).',
    );
  }
}

/** Connects and resolves `true` once the server greets with `INFO`. */
function greets(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (data) => done(data.toString().startsWith('INFO')));
    socket.connect(port, '127.0.0.1');
  });
}

/**
 * A real `nats-server` with JetStream on a free loopback port, its store in
 * a temporary folder, for tests. `stop()` and `start()` again keep the same
 * port and store, to test an outage.
 */
export class NatsServer {
  private process: ChildProcess | undefined;
  private output = '';
  private readonly storeDir = mkdtempSync(join(tmpdir(), 'secure-ws-nats-'));

  private constructor(readonly port: number) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<NatsServer> {
    assertInstalled();
    const server = new NatsServer(await freePort());
    await server.start();
    return server;
  }

  /** Starts the server (again) on its port and waits until it greets. */
  async start(): Promise<void> {
    if (this.process) return;
    this.output = '';
    const args = ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDir];
    const child = spawn('nats-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer) => {
      this.output += chunk.toString();
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    this.process = child;
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!(await greets(this.port))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        this.process = undefined;
        child.kill('SIGKILL');
        throw new Error(`nats-server did not start on port ${this.port}:\n${this.output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Stops the server at once (SIGKILL: like a crash). `dispose` also removes its store. */
  async stop(): Promise<void> {
    const child = this.process;
    if (!child) return;
    this.process = undefined;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    }
  }

  /** Stops the server and removes its store. */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}
