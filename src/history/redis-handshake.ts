import { type Redis } from 'ioredis';
import { within } from '../util/within.js';

/** The longest a read of the history waits for a connection still in its handshake. */
export const HANDSHAKE_WAIT_MS = 2000;

/**
 * Resolves once `redis` is ready when it is still opening ('connecting',
 * or 'connect': its handshake and ready check), within `HANDSHAKE_WAIT_MS`;
 * at once in any other state (ready, or reconnecting after a loss: the
 * command then fails at once, as it should). A node listens before its
 * Redis connections are up: without this, a resume sent to a node just
 * started met a connection without an offline queue and was answered
 * UNAVAILABLE.
 */
export function opened(redis: Redis): Promise<void> | undefined {
  if (redis.status !== 'connecting' && redis.status !== 'connect') return undefined;
  // `redis.once`, not `node:events`: the emitter's import graph stays ioredis alone.
  let onReady = (): void => undefined;
  const ready = new Promise<void>((resolve) => {
    onReady = resolve;
    redis.once('ready', onReady);
  });
  return within(ready, HANDSHAKE_WAIT_MS, undefined).finally(() => redis.off('ready', onReady));
}
