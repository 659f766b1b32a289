import { type EventEmitter } from 'node:events';
import { type WebSocket } from 'ws';
import { swapListeners } from './swap-listeners.js';

type ErrorListener = (this: EventEmitter, error: Error) => void;

/** The receiver's own error listeners (ws's), called one turn later. */
const WS_LISTENERS = Symbol('secure-ws.receiver-error-listeners');
const DEFERRED = Symbol('secure-ws.receiver-error-deferred');

type DeferringReceiver = EventEmitter & {
  /** ws's listener (one function: ws adds one), or its listeners. */
  [WS_LISTENERS]?: ErrorListener | ErrorListener[];
  [DEFERRED]?: true;
};

/** Every receiver's error listener: one function, the receiver is `this` (no closure per socket). */
function deferError(this: DeferringReceiver, error: Error): void {
  if (this[DEFERRED]) return;
  this[DEFERRED] = true;
  const held = this[WS_LISTENERS] ?? [];
  const listeners = typeof held === 'function' ? [held] : held;
  setImmediate(() => {
    for (const listener of listeners) listener.call(this, error);
  });
}

/**
 * When one read holds a valid message and then a protocol error, `ws`
 * closes 1002 a tick later, before the handler of that message (which Nest
 * runs through promises) has answered, and the answer is lost. Here the
 * receiver's error reaches `ws` one event-loop turn later instead, so
 * replies already due are written before the close frame, as a synchronous
 * `ws` server would (Autobahn 3.2-3.4, 4.1.3-4.1.5, 4.2.3-4.2.5, 5.15).
 */
export function deferProtocolErrors(socket: WebSocket): void {
  const receiver = (socket as unknown as { _receiver?: DeferringReceiver })._receiver;
  if (!receiver) return;
  const listeners = swapListeners(receiver, 'error', deferError) as ErrorListener[];
  receiver[WS_LISTENERS] = listeners.length === 1 ? listeners[0] : listeners;
}
