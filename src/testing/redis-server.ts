import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, Socket } from 'node:net';

const START_TIMEOUT_MS = 5000;

/** A free loopback port: listen on port 0, note it, close. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

function assertInstalled(): void {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error(
      'redis-server is not installed: a real Redis is needed here (Debian: apt-get install redis-server).',
    );
  }
}

/** Sends PING, resolves `true` on `+PONG`. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
  });
}

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
  private process: ChildProcess | undefined;
  private output = '';

  private constructor(
    readonly port: number,
    private readonly options: RedisServerOptions,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** The running server's process id. */
  get pid(): number | undefined {
    return this.process?.pid;
  }

  static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
    assertInstalled();
    const server = new RedisServer(await freePort(), options);
    await server.start();
    return server;
  }

  /** Starts the server (again) on its port and waits until it answers PING. */
  async start(): Promise<void> {
    if (this.process) return;
    this.output = '';
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
    const child =
      cpu === undefined
        ? spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] })
        : spawn('taskset', ['-c', String(cpu), 'redis-server', ...args], {
            stdio: ['ignore', 'pipe', 'pipe'],
          });
    child.stdout.on('data', (chunk: Buffer) => {
      this.output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      this.output += chunk.toString();
    });
    this.process = child;
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!(await ping(this.port))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        this.process = undefined;
        child.kill('SIGKILL');
        throw new Error(`redis-server did not start on port ${this.port}:\n${this.output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Stops the server at once (SIGKILL: like a crash, clients see the connection drop). */
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
}
