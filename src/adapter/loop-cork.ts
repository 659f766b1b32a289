import { type Duplex } from 'node:stream';
import { type WebSocket } from 'ws';

/** Sockets corked since the last check phase, uncorked together in the next one. */
const corked = new Set<Duplex>();

function uncorkAll(): void {
  for (const socket of corked) socket.uncork();
  corked.clear();
}

/**
 * Holds a client's writes until the event loop's next check phase: ws emits
 * every frame of one TCP read in the same tick, so the replies to a batch of
 * requests (synchronous handlers, and asynchronous ones that settle in
 * microtasks, such as the validation pipe) leave in one write instead of one
 * system call each. Replies that wait for I/O come later, uncorked.
 */
export function corkUntilLoopTurn(client: WebSocket): void {
  const socket = (client as unknown as { _socket?: Duplex })._socket;
  if (!socket || corked.has(socket)) return;
  if (corked.size === 0) setImmediate(uncorkAll);
  socket.cork();
  corked.add(socket);
}
