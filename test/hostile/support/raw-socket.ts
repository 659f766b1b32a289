import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/** WebSocket opcodes (RFC 6455 section 5.2). */
export const Op = {
  CONTINUATION: 0x0,
  TEXT: 0x1,
  BINARY: 0x2,
  CLOSE: 0x8,
  PING: 0x9,
  PONG: 0xa,
} as const;

export interface FrameSpec {
  opcode: number;
  payload?: Buffer | string;
  /** @default true */
  fin?: boolean;
  /** The three RSV bits as a number 0..7. @default 0 */
  rsv?: number;
  /** Mask the payload, as a client must. @default true */
  masked?: boolean;
  /** Announce this length instead of the payload's real one (lies welcome). */
  length?: bigint;
}

/** One frame as the server sent it. */
export interface ServerFrame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
}

export interface CloseFrame {
  code: number | undefined;
  reason: string;
}

/** Encodes one frame exactly as described, including what a real client would never send. */
export function encodeFrame(spec: FrameSpec): Buffer {
  const payload =
    typeof spec.payload === 'string'
      ? Buffer.from(spec.payload)
      : (spec.payload ?? Buffer.alloc(0));
  const masked = spec.masked ?? true;
  const length = spec.length ?? BigInt(payload.length);
  const first =
    ((spec.fin ?? true) ? 0x80 : 0) | (((spec.rsv ?? 0) & 7) << 4) | (spec.opcode & 0xf);
  let header: Buffer;
  if (length < 126n) {
    header = Buffer.from([first, Number(length)]);
  } else if (length < 65_536n) {
    header = Buffer.alloc(4);
    header[0] = first;
    header[1] = 126;
    header.writeUInt16BE(Number(length), 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = 127;
    header.writeBigUInt64BE(length, 2);
  }
  if (!masked) return Buffer.concat([header, payload]);
  header[1] = (header[1] as number) | 0x80;
  const key = randomBytes(4);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i += 1) {
    body[i] = (body[i] as number) ^ (key[i % 4] as number);
  }
  return Buffer.concat([header, key, body]);
}

/** A close frame's payload: a 2-byte code and a reason. */
export function closePayload(code: number, reason = ''): Buffer {
  const buffer = Buffer.alloc(2 + Buffer.byteLength(reason));
  buffer.writeUInt16BE(code, 0);
  buffer.write(reason, 2);
  return buffer;
}

/** Every frame that `buffer` holds in full; returns them and the bytes left over. */
function decodeFrames(buffer: Buffer): { frames: ServerFrame[]; rest: Buffer } {
  const frames: ServerFrame[] = [];
  let offset = 0;
  while (buffer.length - offset >= 2) {
    const first = buffer[offset] as number;
    const second = buffer[offset + 1] as number;
    let length = second & 0x7f;
    let headerLength = 2;
    if (length === 126) {
      if (buffer.length - offset < 4) break;
      length = buffer.readUInt16BE(offset + 2);
      headerLength = 4;
    } else if (length === 127) {
      if (buffer.length - offset < 10) break;
      length = Number(buffer.readBigUInt64BE(offset + 2));
      headerLength = 10;
    }
    if (buffer.length - offset < headerLength + length) break;
    frames.push({
      fin: (first & 0x80) !== 0,
      opcode: first & 0x0f,
      payload: buffer.subarray(offset + headerLength, offset + headerLength + length),
    });
    offset += headerLength + length;
  }
  return { frames, rest: buffer.subarray(offset) };
}

export interface HttpAnswer {
  status: number;
  headers: string;
  body: string;
}

/** Reads one HTTP answer's status line, header block and body (until the peer hangs up). */
export function parseHttpAnswer(raw: string): HttpAnswer {
  const end = raw.indexOf('\r\n\r\n');
  const head = end === -1 ? raw : raw.slice(0, end);
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
  return { status, headers: head, body: end === -1 ? '' : raw.slice(end + 4) };
}

/**
 * Sends raw bytes to an HTTP port and collects everything until the server
 * closes (or `timeoutMs` passes, then the socket is destroyed).
 */
export function rawHttp(
  port: number,
  request: string | Buffer,
  timeoutMs = 3000,
): Promise<HttpAnswer & { closedByServer: boolean; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let closedByServer = true;
    const timer = setTimeout(() => {
      closedByServer = false;
      socket.destroy();
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({
        ...parseHttpAnswer(Buffer.concat(chunks).toString('latin1')),
        closedByServer,
        ms: performance.now() - started,
      });
    });
    socket.write(request);
  });
}

/**
 * The status of an upgrade's answer, read as soon as its head arrives (the
 * socket is then dropped); 0 when no head came within `timeoutMs`.
 */
export function upgradeStatus(port: number, request: string, timeoutMs = 3000): Promise<number> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let head = '';
    const done = (status: number) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(status);
    };
    const timer = setTimeout(() => done(0), timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (head.includes('\r\n\r\n')) done(parseHttpAnswer(head).status);
    });
    socket.on('error', () => done(0));
    socket.on('close', () => done(parseHttpAnswer(head).status));
    socket.write(request);
  });
}

/** A well-formed upgrade request for `path`, with extra or replaced header lines. */
export function upgradeRequest(
  path: string,
  headers: Record<string, string | undefined> = {},
): string {
  const all: Record<string, string | undefined> = {
    Host: '127.0.0.1',
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
    'Sec-WebSocket-Version': '13',
    ...headers,
  };
  const lines = Object.entries(all)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name}: ${value}`);
  return `GET ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
}

/**
 * A WebSocket client built on a bare TCP socket: the upgrade is done by
 * hand and every frame is written byte for byte, so it can send anything a
 * broken or hostile peer would.
 */
export class RawWsClient {
  private buffer = Buffer.alloc(0);
  private readonly queue: ServerFrame[] = [];
  private readonly waiters: Array<(frame: ServerFrame) => void> = [];
  /** The server's close frame, once it came. */
  readonly closeFrame: Promise<CloseFrame>;
  /** Resolves when the TCP connection is gone. */
  readonly ended: Promise<void>;
  private resolveClose!: (frame: CloseFrame) => void;
  /** When set, frames go here instead of the queue (for high-volume senders). */
  onFrame: ((frame: ServerFrame) => void) | undefined;

  private constructor(readonly socket: Socket) {
    this.closeFrame = new Promise((resolve) => {
      this.resolveClose = resolve;
    });
    this.ended = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
  }

  /** Dials `port`, upgrades `path`, and resolves once the server said 101. */
  static connect(
    port: number,
    path = '/',
    headers: Record<string, string> = {},
  ): Promise<RawWsClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      const client = new RawWsClient(socket);
      let head = Buffer.alloc(0);
      const onData = (chunk: Buffer) => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end === -1) return;
        socket.off('data', onData);
        const answer = parseHttpAnswer(head.subarray(0, end + 4).toString('latin1'));
        if (answer.status !== 101) {
          socket.destroy();
          reject(new Error(`Upgrade answered ${answer.status}`));
          return;
        }
        socket.on('data', (data: Buffer) => client.onData(data));
        const rest = head.subarray(end + 4);
        if (rest.length > 0) client.onData(rest);
        resolve(client);
      };
      socket.on('data', onData);
      socket.once('error', reject);
      socket.once('close', () => reject(new Error('Closed before the upgrade')));
      socket.write(upgradeRequest(path, headers));
    });
  }

  private onData(data: Buffer): void {
    const { frames, rest } = decodeFrames(Buffer.concat([this.buffer, data]));
    this.buffer = Buffer.from(rest);
    for (const frame of frames) {
      if (frame.opcode === Op.CLOSE) {
        this.resolveClose({
          code: frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : undefined,
          reason: frame.payload.subarray(2).toString(),
        });
      }
      if (this.onFrame) {
        this.onFrame(frame);
        continue;
      }
      const waiter = this.waiters.shift();
      if (waiter) waiter(frame);
      else this.queue.push(frame);
    }
  }

  write(bytes: Buffer): boolean {
    return this.socket.write(bytes);
  }

  frame(spec: FrameSpec): boolean {
    return this.write(encodeFrame(spec));
  }

  text(text: string | Buffer): boolean {
    return this.frame({ opcode: Op.TEXT, payload: text });
  }

  /** Writes bytes one at a time, each in its own TCP write. */
  async trickle(bytes: Buffer): Promise<void> {
    for (const byte of bytes) {
      await new Promise<void>((resolve) => this.socket.write(Buffer.from([byte]), () => resolve()));
    }
  }

  /** The next data or control frame from the server. */
  nextFrame(timeoutMs = 3000): Promise<ServerFrame> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const waiter = (frame: ServerFrame) => {
        clearTimeout(timer);
        resolve(frame);
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`No frame within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** The next text frame's JSON, skipping pings. */
  async nextJson<T = Record<string, unknown>>(timeoutMs = 3000): Promise<T> {
    for (;;) {
      const frame = await this.nextFrame(timeoutMs);
      if (frame.opcode === Op.TEXT) return JSON.parse(frame.payload.toString()) as T;
      if (frame.opcode === Op.CLOSE) throw new Error('Closed instead of a text frame');
    }
  }

  /** The close code the server sent, within `timeoutMs`, or rejects. */
  closeCode(timeoutMs = 3000): Promise<CloseFrame> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`No close frame within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.closeFrame.then((frame) => {
        clearTimeout(timer);
        resolve(frame);
      }, reject);
    });
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** JSON frames, each a masked text frame, in one buffer: one TCP write, read by the server at once. */
export function framesInOneRead(...frames: object[]): Buffer {
  return Buffer.concat(
    frames.map((frame) => encodeFrame({ opcode: Op.TEXT, payload: JSON.stringify(frame) })),
  );
}
