/**
 * The part of the WebSocket API the client uses. The browser's `WebSocket`,
 * Node 22's global one and `ws`'s class all have it.
 */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/**
 * A WebSocket class: `globalThis.WebSocket` (browsers, Node 22+) or
 * `WebSocket` from `ws` (Node 20), which also takes HTTP headers.
 */
export type WebSocketConstructor = new (
  url: string,
  protocols?: string[],
  options?: { headers?: Record<string, string> },
) => object;

/** `readyState` of an open socket, the same in every implementation. */
export const OPEN = 1;

/** The class to use: the given one, else the global one; fails with one sentence when there is none. */
export function resolveWebSocket(given: WebSocketConstructor | undefined): WebSocketConstructor {
  const found = given ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (typeof found !== 'function') {
    throw new TypeError(
      'WsClient: no WebSocket implementation; pass { WebSocket } from "ws" on Node 20.',
    );
  }
  return found;
}

/**
 * True for `ws`'s class (its sockets have `terminate()` and `ping()`), the
 * one implementation known to send custom HTTP headers.
 */
export function acceptsHeaders(socketClass: WebSocketConstructor): boolean {
  const prototype = socketClass.prototype as { terminate?: unknown; ping?: unknown } | undefined;
  return typeof prototype?.terminate === 'function' && typeof prototype.ping === 'function';
}
