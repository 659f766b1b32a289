import { type ReconnectOptions } from './reconnect-backoff.js';
import { type TraceparentProvider } from './trace-context.js';
import { type WebSocketConstructor } from './web-socket.js';

/** Gives the token to connect with; `null`/`undefined` when there is none. */
export type TokenProvider = () => string | null | undefined | Promise<string | null | undefined>;

/**
 * How the token travels at connect:
 * - `header`: `Authorization: Bearer <token>` (only `ws` can set headers);
 * - `protocol`: the subprotocol pair `access_token, <token>` (browsers);
 * - `message`: a first `auth` frame after the socket opens;
 * - `auto`: `header` with `ws`'s class, else `protocol`.
 */
export type TokenTransport = 'auto' | 'header' | 'protocol' | 'message';

export interface WsClientOptions {
  /** `ws://` or `wss://` URL of the gateway, e.g. `wss://example.com/ws`. */
  url: string;
  /**
   * The WebSocket class. Pass `WebSocket` from `ws` on Node 20.
   * @default globalThis.WebSocket
   */
  WebSocket?: WebSocketConstructor;
  /** A fixed token. Prefer `getToken` so reconnects and refreshes get a fresh one. */
  token?: string;
  /**
   * Called for a token on connect, on every reconnect, on `session.expiring`
   * and after a 4401 close (no token, or the same one again, ends the client).
   */
  getToken?: TokenProvider;
  /** @default 'auto' */
  tokenTransport?: TokenTransport;
  /** Default timeout of `request()`. @default 10000 */
  requestTimeoutMs?: number;
  /** Reconnect after unexpected closes; `false` never reconnects. @default {} (see ReconnectOptions) */
  reconnect?: ReconnectOptions | false;
  /** Send `auth` with `getToken()`'s token when the server pushes `session.expiring`. @default true */
  refreshOnExpiring?: boolean;
  /**
   * Called for each frame sent; what it returns goes out as the frame's
   * `traceparent`. `activeSpanTraceparent(otel)` sends the caller's active
   * OpenTelemetry span. @default none
   */
  traceparent?: TraceparentProvider;
}
