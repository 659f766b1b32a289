import { type EventEmitter } from 'node:events';
import { type WebSocket } from 'ws';

type ErrorListener = (this: EventEmitter, error: Error) => void;

/**
 * When one read holds a valid message and then a protocol error, `ws`
 * closes 1002 a tick later, before the handler of that message (which Nest
 * runs through promises) has answered, and the answer is lost. Here the
 * receiver's error reaches `ws` one event-loop turn later instead, so
 * replies already due are written before the close frame, as a synchronous
 * `ws` server would (Autobahn 3.2-3.4, 4.1.3-4.1.5, 4.2.3-4.2.5, 5.15).
 */
export function deferProtocolErrors(socket: WebSocket): void {
  const receiver = (socket as unknown as { _receiver?: EventEmitter })._receiver;
  if (!receiver) return;
  const listeners = receiver.listeners('error') as ErrorListener[];
  receiver.removeAllListeners('error');
  let deferred = false;
  receiver.on('error', (error: Error) => {
    if (deferred) return;
    deferred = true;
    setImmediate(() => {
      for (const listener of listeners) listener.call(receiver, error);
    });
  });
}
