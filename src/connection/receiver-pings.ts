import { type EventEmitter } from 'node:events';
import { type WebSocket } from 'ws';
import { connectionOf } from './connection.js';
import { swapListeners } from './swap-listeners.js';

type PingingReceiver = EventEmitter & Record<symbol, unknown>;

/** `ws`'s key from a receiver to its client (its `kWebSocket`), found on the first receiver. */
let clientKey: symbol | undefined;

/** Every receiver's ping listener: one function, the receiver is `this`. */
function onReceiverPing(this: PingingReceiver, data: Buffer): void {
  const client = this[clientKey as symbol] as WebSocket | undefined;
  if (!client) return;
  connectionOf(client)?.pong(data);
  // What `ws` does with a ping it does not answer itself: the client's own listeners hear it.
  if (client.listenerCount('ping') > 0) client.emit('ping', data);
}

/** The same as a listener of the client (`ws` emits the ping there; the client is `this`). */
function onClientPing(this: WebSocket, data: Buffer): void {
  connectionOf(this)?.pong(data);
}

/**
 * Has the connection answer its client's pings (`Connection.pong`, with
 * `ws`'s `autoPong` off), from the receiver's `ping` listener in place of
 * `ws`'s, which then only emits `ping` on the client (that still happens,
 * for the client's own listeners). Not a listener on the client: a fourth
 * event there, with `message`, `error` and `close`, doubles its listener
 * table, 96 B more per connection. On a `ws` whose receiver is not where
 * this looks, a listener on the client.
 */
export function answerPings(client: WebSocket): void {
  const receiver = (client as unknown as { _receiver?: PingingReceiver })._receiver;
  if (receiver) {
    clientKey ??= Object.getOwnPropertySymbols(receiver).find((key) => receiver[key] === client);
  }
  if (!receiver || clientKey === undefined || receiver[clientKey] !== client) {
    client.on('ping', onClientPing);
    return;
  }
  swapListeners(receiver, 'ping', onReceiverPing);
}
