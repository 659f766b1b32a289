import { freePort } from './free-port.js';
import { assertInstalled, ServerProcess } from './server-process.js';
import { answersOnTcp } from './tcp-answer.js';

const START_TIMEOUT_MS = 5000;

export interface RedisServerOptions {
  /** Pin the server to this CPU (`taskset -c`), as benchmarks do. */
  cpu?: number;
  /**
   * Keep the data in an append-only file in this directory, written before
   * each reply (`appendfsync always`): a restart, even after SIGKILL, loses
   * nothing. @default undefined (no persistence)
   */
  dataDir?: string;
}

/**
 * A real `redis-server` on a free loopback port, without persistence unless
 * `dataDir` is given, for tests and benchmarks. `stop()` and `start()` again keep the same port, to
 * test an outage.
 */
export class RedisServer {
  private readonly process: ServerProcess;

  private constructor(
    readonly port: number,
    private readonly options: RedisServerOptions,
  ) {
    this.process = new ServerProcess(`redis-server on port ${port}`);
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** The running server's process id. */
  get pid(): number | undefined {
    return this.process.pid;
  }

  static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
    assertInstalled('redis-server', 'Redis');
    const server = new RedisServer(await freePort(), options);
    await server.start();
    return server;
  }

  /** Starts the server (again) on its port and waits until it answers PING. */
  async start(): Promise<void> {
    const args = [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      ...(this.options.dataDir
        ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', this.options.dataDir]
        : ['--appendonly', 'no']),
    ];
    const { cpu } = this.options;
    await this.process.start({
      command: cpu === undefined ? 'redis-server' : 'taskset',
      args: cpu === undefined ? args : ['-c', String(cpu), 'redis-server', ...args],
      ready: () => answersOnTcp(this.port, '+PONG', 'PING\r\n'),
      timeoutMs: START_TIMEOUT_MS,
      pollMs: 25,
    });
  }

  /**
   * Stops the server answering, its connections left open (SIGSTOP: like a
   * hung or overloaded server, clients see nothing but silence), until `thaw()`.
   */
  freeze(): void {
    this.signal('SIGSTOP');
  }

  /** Lets a frozen server go on (SIGCONT): it answers what it was sent meanwhile. */
  thaw(): void {
    this.signal('SIGCONT');
  }

  private signal(signal: NodeJS.Signals): void {
    const { pid } = this.process;
    if (pid === undefined) throw new Error(`redis-server on port ${this.port} is not running`);
    process.kill(pid, signal);
  }

  /** Stops the server at once (SIGKILL: like a crash, clients see the connection drop). */
  async stop(): Promise<void> {
    await this.process.stop();
  }
}
