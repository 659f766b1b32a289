/**
 * Client-side connection helpers of the load generator.
 *
 * Many connections from one process can run out of ephemeral ports on one
 * source address (28k by default, fewer with TIME_WAIT leftovers of earlier
 * scenarios), so connections are spread over several loopback source
 * addresses: 127.0.0.2 ... 127.0.0.(1 + SOURCE_ADDRESSES). Linux routes all
 * of 127/8 to lo, so no configuration is needed; the servers still listen on
 * 127.0.0.1 only.
 */
import { WebSocket } from 'ws';
import { dialectOf } from './dialect.js';
import type { ServerKind } from './protocol.js';

export const SOURCE_ADDRESSES = 8;

export function sourceAddress(i: number): string {
  return `127.0.0.${2 + (i % SOURCE_ADDRESSES)}`;
}

export interface ConnectOptions {
  /** A JWT the connection carries (in the upgrade request, or in Socket.IO's CONNECT `auth`). */
  token?: string;
  localAddress?: string;
  timeoutMs?: number;
}

/** Where and how to connect: a server's URL and the dialect it speaks. */
export interface Endpoint {
  url: string;
  kind: ServerKind;
}

/** Opens a connection to `endpoint`, ready for requests (Socket.IO: connected to its namespace). */
export function connect(endpoint: Endpoint, options: ConnectOptions = {}): Promise<WebSocket> {
  const dialect = dialectOf(endpoint.kind);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const ws = new WebSocket(endpoint.url, {
    headers: dialect.headers(options.token),
    localAddress: options.localAddress,
    perMessageDeflate: false,
    handshakeTimeout: timeoutMs,
  });
  // Listening from the start: the server's first frames can come with the 101.
  const ready = dialect.ready(ws, options.token, timeoutMs);
  const opened = new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => {
      ws.off('open', onOpen);
      reject(err);
    };
    const onOpen = () => {
      ws.off('error', onError);
      // Later errors (e.g. a reset while the server shuts down) are expected
      // and must not crash the generator.
      ws.on('error', () => {});
      resolve();
    };
    ws.once('open', onOpen);
    ws.once('error', onError);
  });
  return Promise.all([opened, ready]).then(
    () => ws,
    (err: unknown) => {
      ws.terminate();
      throw err;
    },
  );
}

/**
 * Opens `count` connections, at most `concurrency` handshakes at a time (a
 * burst of 10k SYNs would overflow the server's listen backlog and stall on
 * SYN retransmits).
 */
export async function openMany(
  endpoint: Endpoint,
  count: number,
  /** `token`: one for every connection, or the `i`-th connection's. */
  options: { concurrency?: number; token?: string | ((i: number) => string) } = {},
): Promise<WebSocket[]> {
  const sockets: WebSocket[] = new Array(count);
  let next = 0;
  const { token } = options;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      sockets[i] = await connect(endpoint, {
        token: typeof token === 'function' ? token(i) : token,
        localAddress: sourceAddress(i),
      });
    }
  };
  const workers = Array.from({ length: Math.min(options.concurrency ?? 128, count) }, worker);
  try {
    await Promise.all(workers);
  } catch (err) {
    closeAll(sockets.filter(Boolean));
    throw err;
  }
  return sockets;
}

/** Drops every connection at once (no closing handshake, the server sees resets). */
export function closeAll(sockets: Iterable<WebSocket | undefined>): void {
  for (const ws of sockets) ws?.terminate();
}

/** Closes connections with the closing handshake and waits (bounded) for them. */
export async function closeGracefully(sockets: WebSocket[], timeoutMs = 3000): Promise<void> {
  const closed = sockets.map(
    (ws) =>
      new Promise<void>((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) return resolve();
        ws.once('close', () => resolve());
        ws.close(1000);
      }),
  );
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref());
  await Promise.race([Promise.all(closed), timeout]);
  closeAll(sockets);
}
