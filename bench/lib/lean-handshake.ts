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

/**
 * One open + close cycle. Resolves once the TCP connection is fully closed;
 * `openMs` is the time from connect() to the 101 response.
 */
export function leanHandshake(
  port: number,
  request: Buffer,
  timeoutMs = 5000,
): Promise<HandshakeOutcome> {
  return new Promise((resolve) => {
    const started = performance.now();
    let socket: Socket;
    let outcome: HandshakeOutcome = { ok: false, reason: 'error' };
    let buffered: Buffer = Buffer.alloc(0);
    let upgraded = false;
    let closeSent = false;
    const timer = setTimeout(() => {
      outcome = { ok: false, reason: 'timeout' };
      socket.destroy();
    }, timeoutMs);

    socket = connect({ port, host: '127.0.0.1', noDelay: true }, () => socket.write(request));
    socket.on('data', (chunk: Buffer) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      if (!upgraded) {
        const end = buffered.indexOf(HEADER_END);
        if (end === -1) return;
        const head = buffered.subarray(0, end);
        if (
          head.indexOf(STATUS_101) !== 0 ||
          Buffer.from(head.toString('latin1').toLowerCase()).indexOf(ACCEPT_LINE) === -1
        ) {
          outcome = { ok: false, reason: 'rejected' };
          socket.destroy();
          return;
        }
        upgraded = true;
        outcome = { ok: true, openMs: performance.now() - started };
        buffered = buffered.subarray(end + HEADER_END.length);
        closeSent = true;
        socket.write(CLOSE_FRAME);
      }
      // The server's first frame should be its answer to our close (1000).
      // A close with another code before it means the server refused us
      // after the upgrade (e.g. the stock Nest gateway's auth check).
      if (buffered.length >= 4 && buffered[0] === 0x88) {
        const code = ((buffered[2] as number) << 8) | (buffered[3] as number);
        if (code !== 1000 && outcome.ok) outcome = { ok: false, reason: 'closed-by-server' };
        buffered = Buffer.alloc(0);
        // Like the ws client: close TCP as soon as the server's close frame is
        // in, without waiting for its FIN. (Sending our FIN with our close
        // frame made ws end the socket twice and cost the server an error
        // object per connection; waiting for the server's FIN leaves TIME_WAIT
        // on the server, and SYNs that reuse such a 4-tuple can stall.)
        socket.end();
      }
    });
    socket.on('error', () => {
      if (!closeSent) outcome = { ok: false, reason: 'error' };
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(outcome);
    });
  });
}
