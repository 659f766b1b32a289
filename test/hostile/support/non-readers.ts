import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { upgradeRequest } from './raw-socket.js';

const SCRIPT = fileURLToPath(new URL('./non-reader.py', import.meta.url));

export interface NonReaderSpec {
  port: number;
  path: string;
  count: number;
  /** Header lines of every upgrade request (e.g. `Authorization`), or one set per socket. */
  headers?: Record<string, string> | ((index: number) => Record<string, string>);
  /** Bytes each socket writes after the 101 (encoded frames), `repeat` times. */
  after?: Buffer;
  repeat?: number;
  /** The socket's receive buffer. @default 4096 */
  rcvbuf?: number;
}

/**
 * Sockets that upgrade, write, and never read again, from a Python process:
 * Node cannot shrink a TCP receive buffer, and with the kernel's default
 * (autotuned to megabytes) a non-reader is felt only much later.
 */
export class NonReaders {
  private constructor(
    private readonly child: ChildProcess,
    readonly upgraded: number,
  ) {}

  static async start(spec: NonReaderSpec): Promise<NonReaders> {
    const child = spawn('python3', [SCRIPT], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    const ready = once(lines, 'line') as Promise<[string]>;
    const headersOf = (index: number) =>
      typeof spec.headers === 'function' ? spec.headers(index) : (spec.headers ?? {});
    child.stdin?.write(
      `${JSON.stringify({
        port: spec.port,
        rcvbuf: spec.rcvbuf ?? 4096,
        requests: Array.from({ length: spec.count }, (_, index) =>
          upgradeRequest(spec.path, headersOf(index)),
        ),
        after: (spec.after ?? Buffer.alloc(0)).toString('base64'),
        repeat: spec.repeat ?? 1,
      })}\n`,
    );
    const [line] = await ready;
    return new NonReaders(child, Number(line.split(' ')[1]));
  }

  /** Closes every socket (the process exits). */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.stdin?.end();
    this.child.kill();
    await exited;
  }
}
