/**
 * A minimal RFC 6455 client for the handshake scenario only.
 *
 * Measured on this machine, the `ws` client spends about as much CPU per
 * handshake as the server (HTTP client, key generation, accept hashing, close
 * timers), so with one core each the generator, not the server, set the
 * handshake rate. This client writes a precomputed upgrade request, checks the
 * `101` and its Sec-WebSocket-Accept, sends a precomputed masked close frame,
 * and closes TCP once the server's close frame is in.
 */
import { createHash } from 'node:crypto';
import { connect, type Socket } from 'node:net';

const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const ACCEPT = createHash('sha1')
  .update(`${KEY}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
  .digest('base64');
const HEADER_END = Buffer.from('\r\n\r\n');
const STATUS_101 = Buffer.from('HTTP/1.1 101 ');
const ACCEPT_LINE = Buffer.from(`sec-websocket-accept: ${ACCEPT}`.toLowerCase());
/** FIN + close opcode, masked, 2-byte payload: status 1000 masked with 0x01020304. */
const CLOSE_FRAME = Buffer.from([0x88, 0x82, 0x01, 0x02, 0x03, 0x04, 0x03 ^ 0x01, 0xe8 ^ 0x02]);

export type HandshakeOutcome =
  | { ok: true; openMs: number }
  | { ok: false; reason: 'rejected' | 'closed-by-server' | 'error' | 'timeout' };

export interface LeanTarget {
  port: number;
  path: string;
  headers: Record<string, string>;
}

export function upgradeRequest(target: LeanTarget): Buffer {
  const extra = Object.entries(target.headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  return Buffer.from(
    `GET ${target.path} HTTP/1.1\r\nHost: 127.0.0.1:${target.port}\r\nConnection: Upgrade\r\n` +
      `Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${KEY}\r\n${extra}\r\n`,
  );
}

/** One cycle under way: its socket, its outcome so far, and our close frame sent once. */
class Cycle {
  outcome: HandshakeOutcome = { ok: false, reason: 'error' };
  closeSent = false;

  constructor(
    readonly socket: Socket,
    private readonly started: number,
  ) {}

  /** Milliseconds since connect(). */
  elapsed(): number {
    return performance.now() - this.started;
  }

  /** Writes our close frame (1000), once. */
  sendClose(): void {
    if (this.closeSent) return;
    this.closeSent = true;
    this.socket.write(CLOSE_FRAME);
  }
}

/**
 * Connects, writes `request`, checks the `101` and its Sec-WebSocket-Accept
 * (else `rejected`), then hands the bytes after the response head to
 * `afterUpgrade` (`first` on the first call), which returns what it leaves
 * unread. Resolves with the outcome once the TCP connection is fully closed;
 * an error before our close frame is sent makes it `error`.
 */
function leanCycle(
  port: number,
  request: Buffer,
  timeoutMs: number,
  afterUpgrade: (cycle: Cycle, buffered: Buffer, first: boolean) => Buffer,
): Promise<HandshakeOutcome> {
  return new Promise((resolve) => {
    const started = performance.now();
    let buffered: Buffer = Buffer.alloc(0);
    let upgraded = false;
    const socket = connect({ port, host: '127.0.0.1', noDelay: true }, () => socket.write(request));
    const cycle = new Cycle(socket, started);
    const timer = setTimeout(() => {
      cycle.outcome = { ok: false, reason: 'timeout' };
      socket.destroy();
    }, timeoutMs);

    socket.on('data', (chunk: Buffer) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      const first = !upgraded;
      if (first) {
        const end = buffered.indexOf(HEADER_END);
        if (end === -1) return;
        const head = buffered.subarray(0, end);
        if (
          head.indexOf(STATUS_101) !== 0 ||
          Buffer.from(head.toString('latin1').toLowerCase()).indexOf(ACCEPT_LINE) === -1
        ) {
          cycle.outcome = { ok: false, reason: 'rejected' };
          socket.destroy();
          return;
        }
        upgraded = true;
        buffered = buffered.subarray(end + HEADER_END.length);
      }
      buffered = afterUpgrade(cycle, buffered, first);
    });
    socket.on('error', () => {
      if (!cycle.closeSent) cycle.outcome = { ok: false, reason: 'error' };
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(cycle.outcome);
    });
  });
}

/**
 * One open + close cycle. Resolves once the TCP connection is fully closed;
 * `openMs` is the time from connect() to the 101 response.
 */
export function leanHandshake(
  port: number,
  request: Buffer,
  timeoutMs = 5000,
): Promise<HandshakeOutcome> {
  return leanCycle(port, request, timeoutMs, (cycle, buffered, first) => {
    if (first) {
      cycle.outcome = { ok: true, openMs: cycle.elapsed() };
      cycle.sendClose();
    }
    // The server's first frame should be its answer to our close (1000).
    // A close with another code before it means the server refused us
    // after the upgrade (e.g. the stock Nest gateway's auth check).
    if (buffered.length < 4 || buffered[0] !== 0x88) return buffered;
    const code = ((buffered[2] as number) << 8) | (buffered[3] as number);
    if (code !== 1000 && cycle.outcome.ok)
      cycle.outcome = { ok: false, reason: 'closed-by-server' };
    // Like the ws client: close TCP as soon as the server's close frame is
    // in, without waiting for its FIN. (Sending our FIN with our close
    // frame made ws end the socket twice and cost the server an error
    // object per connection; waiting for the server's FIN leaves TIME_WAIT
    // on the server, and SYNs that reuse such a 4-tuple can stall.)
    cycle.socket.end();
    return Buffer.alloc(0);
  });
}

/** A masked client text frame (mask 0x01020304) carrying `text`. */
export function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = [0x01, 0x02, 0x03, 0x04];
  const extended = payload.length >= 126;
  if (payload.length > 0xffff) throw new Error('frame too long for the lean client');
  const head = extended
    ? Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff, ...mask])
    : Buffer.from([0x81, 0x80 | payload.length, ...mask]);
  const body = Buffer.from(payload.map((b, i) => b ^ (mask[i % 4] as number)));
  return Buffer.concat([head, body]);
}

/** The next whole server frame (unmasked) in `buffer`: opcode, payload, and its end. */
function nextFrame(buffer: Buffer): { opcode: number; payload: Buffer; end: number } | undefined {
  if (buffer.length < 2) return undefined;
  let length = (buffer[1] as number) & 0x7f;
  let at = 2;
  if (length === 126) {
    if (buffer.length < 4) return undefined;
    length = buffer.readUInt16BE(2);
    at = 4;
  } else if (length === 127) {
    if (buffer.length < 10) return undefined;
    length = Number(buffer.readBigUInt64BE(2));
    at = 10;
  }
  if (buffer.length < at + length) return undefined;
  return {
    opcode: (buffer[0] as number) & 0x0f,
    payload: buffer.subarray(at, at + length),
    end: at + length,
  };
}

/**
 * One Socket.IO open + close cycle, as socket.io-client does it with
 * `transports: ['websocket']`: the upgrade, the server's Engine.IO open
 * packet (`0{...}`), our CONNECT packet (`connectFrame`, carrying `auth`), and
 * the server's answer: `40{"sid":...}` once its `io.use` middlewares let the
 * connection in (`44{...}`: refused). `openMs` is the time from connect() to
 * that answer (the JWT is verified after the upgrade, in `io.use`). Then the
 * same closing handshake as the plain WebSocket cycle.
 */
export function leanSocketIoHandshake(
  port: number,
  request: Buffer,
  connectFrame: Buffer,
  timeoutMs = 5000,
): Promise<HandshakeOutcome> {
  return leanCycle(port, request, timeoutMs, (cycle, input) => {
    let buffered = input;
    for (let frame = nextFrame(buffered); frame; frame = nextFrame(buffered)) {
      buffered = buffered.subarray(frame.end);
      if (frame.opcode === 0x8) {
        const code = frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : 1005;
        if (code !== 1000 && cycle.outcome.ok) {
          cycle.outcome = { ok: false, reason: 'closed-by-server' };
        }
        cycle.socket.end();
        return buffered;
      }
      const text = frame.payload.toString('latin1');
      if (text.startsWith('0{')) {
        cycle.socket.write(connectFrame);
      } else if (text.startsWith('40') && !cycle.closeSent) {
        cycle.outcome = { ok: true, openMs: cycle.elapsed() };
        cycle.sendClose();
      } else if (text.startsWith('44') && !cycle.closeSent) {
        cycle.outcome = { ok: false, reason: 'rejected' };
        cycle.sendClose();
      }
    }
    return buffered;
  });
}
