import { type ClientOptions, type RawData, WebSocket } from 'ws';
import { type ErrorFrameData } from '../frames/frame.js';

export type { ErrorFrameData };

export interface ClosedEvent {
  code: number;
  reason: string;
}

/** An HTTP answer to an upgrade that was refused. */
export class UpgradeRefused extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`Upgrade refused with HTTP ${status}: ${body}`);
  }
}

/** Options of `WsTestClient.connect`: `ws`'s, plus subprotocols and a token. */
export interface TestConnectOptions extends ClientOptions {
  /** Subprotocols to offer, e.g. `['access_token', jwt]` as a browser would. */
  protocols?: string[];
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
}

const DEFAULT_WAIT_MS = 3000;

/**
 * A real `ws` client for tests: frames are queued as they arrive, and each
 * `next*` call takes the next one (or waits for it), so nothing is missed.
 */
export class WsTestClient {
  private readonly queue: Array<string | Buffer> = [];
  private readonly waiters: Array<(frame: string | Buffer) => void> = [];
  private nextId = 1;
  readonly closed: Promise<ClosedEvent>;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: RawData, isBinary: boolean) => {
      const frame = isBinary ? (data as Buffer) : data.toString();
      const waiter = this.waiters.shift();
      if (waiter) waiter(frame);
      else this.queue.push(frame);
    });
    this.closed = new Promise((resolve) =>
      socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  /** Opens a connection; rejects with `UpgradeRefused` when the server answers with HTTP. */
  static connect(url: string, options: TestConnectOptions = {}): Promise<WsTestClient> {
    const { protocols, token, ...clientOptions } = options;
    if (token !== undefined) {
      clientOptions.headers = { ...clientOptions.headers, authorization: `Bearer ${token}` };
    }
    const socket = new WebSocket(url, protocols, clientOptions);
    const client = new WsTestClient(socket);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(client));
      socket.once('unexpected-response', (_request, response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => {
          body += chunk.toString();
        });
        response.on('end', () => {
          reject(new UpgradeRefused(response.statusCode ?? 0, body));
          socket.terminate();
        });
      });
      socket.once('error', reject);
    });
  }

  send(frame: unknown): void {
    this.socket.send(JSON.stringify(frame));
  }

  sendText(text: string): void {
    this.socket.send(text);
  }

  sendBinary(bytes: Buffer): void {
    this.socket.send(bytes, { binary: true });
  }

  /** Sends `{ event, data, id }` with a fresh id and returns that id. */
  emit(event: string, data?: unknown): string {
    const id = String(this.nextId++);
    this.send({ event, data, id });
    return id;
  }

  /** The next frame as it came: text or binary. */
  nextRaw(timeoutMs = DEFAULT_WAIT_MS): Promise<string | Buffer> {
    const queued = this.queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`No frame within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (frame: string | Buffer) => {
        clearTimeout(timer);
        resolve(frame);
      };
      this.waiters.push(waiter);
    });
  }

  /** The next frame, parsed as JSON. */
  async next<T = Record<string, unknown>>(timeoutMs = DEFAULT_WAIT_MS): Promise<T> {
    return JSON.parse((await this.nextRaw(timeoutMs)).toString()) as T;
  }

  /** The next frame's text. */
  async nextText(timeoutMs = DEFAULT_WAIT_MS): Promise<string> {
    return (await this.nextRaw(timeoutMs)).toString();
  }

  /** Sends a request and returns the next frame (its reply or its error). */
  async request<T = Record<string, unknown>>(event: string, data?: unknown): Promise<T> {
    this.emit(event, data);
    return this.next<T>();
  }

  /** Takes the next frame, checks it is an error frame of `code`, returns its data. */
  async nextError(
    code: string,
    timeoutMs = DEFAULT_WAIT_MS,
  ): Promise<ErrorFrameData & { id?: unknown }> {
    const frame = await this.next<{ event: string; data: ErrorFrameData; id?: unknown }>(timeoutMs);
    if (frame.event !== 'error' || frame.data.code !== code) {
      throw new Error(`Expected an error frame ${code}, got ${JSON.stringify(frame)}`);
    }
    return { ...frame.data, id: frame.id };
  }

  /** True when no frame arrives within `ms`. */
  async quietFor(ms: number): Promise<boolean> {
    try {
      await this.nextRaw(ms);
      return false;
    } catch {
      return true;
    }
  }

  close(code?: number): void {
    this.socket.close(code);
  }

  terminate(): void {
    this.socket.terminate();
  }
}
