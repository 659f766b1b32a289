import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { assertInstalled, ServerProcess } from './server-process.js';
import { answersOnTcp } from './tcp-answer.js';

const START_TIMEOUT_MS = 5000;

export interface NatsServerOptions {
  /** Pin the server to this CPU (`taskset -c`), as benchmarks do. */
  cpu?: number;
}

/**
 * A real `nats-server` with JetStream on a free loopback port, its store in
 * a temporary folder, for tests and benchmarks. `stop()` and `start()` again
 * keep the same port and store, to test an outage.
 */
export class NatsServer {
  private readonly process: ServerProcess;
  private readonly storeDir = mkdtempSync(join(tmpdir(), 'secure-ws-nats-'));

  private constructor(
    readonly port: number,
    private readonly options: NatsServerOptions,
  ) {
    this.process = new ServerProcess(`nats-server on port ${port}`);
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** The running server's process id. */
  get pid(): number | undefined {
    return this.process.pid;
  }

  static async start(options: NatsServerOptions = {}): Promise<NatsServer> {
    assertInstalled('nats-server', 'NATS');
    const server = new NatsServer(await freePort(), options);
    await server.start();
    return server;
  }

  /** Starts the server (again) on its port and waits until it greets with `INFO`. */
  async start(): Promise<void> {
    const args = ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDir];
    const { cpu } = this.options;
    await this.process.start({
      command: cpu === undefined ? 'nats-server' : 'taskset',
      args: cpu === undefined ? args : ['-c', String(cpu), 'nats-server', ...args],
      ready: () => answersOnTcp(this.port, 'INFO'),
      timeoutMs: START_TIMEOUT_MS,
      pollMs: 25,
    });
  }

  /** Stops the server at once (SIGKILL: like a crash). `dispose` also removes its store. */
  async stop(): Promise<void> {
    await this.process.stop();
  }

  /** Stops the server and removes its store. */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}
