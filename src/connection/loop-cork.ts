import { type Duplex } from 'node:stream';

/**
 * The most a corked socket holds back: past it, what it holds leaves at
 * once and the socket is corked again. Well under a socket's
 * `writableHighWaterMark` (64 KiB on Node 22 and 24), so a burst (a
 * history replay) never makes a healthy client look slow
 * (`bufferedAmount`, `writableNeedDrain`).
 */
export const MAX_HELD_BYTES = 16 * 1024;

/** Sockets corked in this loop turn, uncorked together at its check phase. */
const corked = new Set<Duplex>();
/** Counts the loop turns in which something was written or corked. */
let turn = 0;
let endScheduled = false;

function endTurn(): void {
  endScheduled = false;
  turn++;
  for (const socket of corked) socket.uncork();
  corked.clear();
}

function scheduleEndOfTurn(): void {
  if (endScheduled) return;
  endScheduled = true;
  setImmediate(endTurn);
}

/**
 * The current loop turn's number, which changes at the turn's check phase
 * (one `setImmediate` a turn, scheduled on the first call): two calls in
 * the same turn read the same number.
 */
export function loopTurn(): number {
  scheduleEndOfTurn();
  return turn;
}

/**
 * Holds a socket's writes until the event loop's check phase, where they
 * leave in one `writev` instead of one system call each. Writes that come
 * from one TCP read (ws emits every frame of a read in the same tick, and a
 * Redis reply holds many messages) and from the microtasks it starts all
 * land before that phase; writes that wait for I/O come in a later turn.
 * Called again on a corked socket holding `maxHeld` bytes or more, it lets
 * them go now and holds what comes next.
 * The corked bytes count in the socket's `writableLength`, so ws's
 * `bufferedAmount` (send-buffer limits, backpressure) sees them; `end()`
 * uncorks, and uncorking a destroyed socket does nothing.
 */
export function corkUntilLoopTurn(socket: Duplex, maxHeld = MAX_HELD_BYTES): void {
  if (corked.has(socket)) {
    if (socket.writableLength >= maxHeld) {
      socket.uncork();
      socket.cork();
    }
    return;
  }
  scheduleEndOfTurn();
  socket.cork();
  corked.add(socket);
}
