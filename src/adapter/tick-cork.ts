import { type Duplex } from 'node:stream';
import { type WebSocket } from 'ws';

/** Sockets corked during this tick, uncorked together once it ends. */
const corked = new Set<Duplex>();

function uncorkAll(): void {
  for (const socket of corked) socket.uncork();
  corked.clear();
}

/**
 * Holds a client's writes until the end of the current tick: ws emits every
 * frame of one TCP read in the same tick, so the replies of synchronous
 * handlers to a batch of requests leave in one write instead of one system
 * call each. Replies of asynchronous handlers come after the tick, uncorked.
 */
export function corkUntilTickEnds(client: WebSocket): void {
  const socket = (client as unknown as { _socket?: Duplex })._socket;
  if (!socket || corked.has(socket)) return;
  if (corked.size === 0) process.nextTick(uncorkAll);
  socket.cork();
  corked.add(socket);
}
