import { type Redis } from 'ioredis';

/**
 * Ends a connection whose oldest command Redis has left unanswered for
 * `timeoutMs` (a hung or overloaded server, a peer gone without a reset):
 * `silent` is told, the connection is dropped and reconnects, and every
 * command in flight fails at once, as when Redis closes the connection.
 * Returns the function that stops watching.
 *
 * In place of ioredis' `commandTimeout`, which arms and clears a timer per
 * command, so per room message: without it node A's CPU per cross-node
 * room message fell 7-9%, and its scavenges found a third less alive
 * (BENCHMARKS.md, "Node A's garbage collection"). Here one timer per
 * connection looks at the oldest command waiting (ioredis' queue of
 * commands written, answered in order) every half of `timeoutMs`: the same
 * command seen on three ticks in a row has waited at least `timeoutMs`,
 * and at most one and a half times that.
 */
export function watchReplies(
  connection: Redis,
  timeoutMs: number,
  silent: (error: Error) => void,
): () => void {
  let oldest: unknown;
  let ticks = 0;
  const timer = setInterval(() => {
    const waiting = connection.commandQueue.peekFront()?.command;
    if (waiting === undefined || waiting !== oldest) {
      oldest = waiting;
      ticks = 0;
      return;
    }
    ticks += 1;
    if (ticks < 2) return;
    oldest = undefined;
    ticks = 0;
    silent(new Error(`Redis left a command unanswered for ${timeoutMs} ms`));
    connection.disconnect(true);
  }, timeoutMs / 2);
  timer.unref();
  return () => clearInterval(timer);
}
