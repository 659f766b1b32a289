/**
 * The envelope frames the load generator sends to raw ws, stock Nest and the
 * module (Socket.IO's are in lib/dialect.ts). Built by string concatenation so
 * that the generator spends as little CPU per message as possible.
 */

export const ECHO_EVENT = 'echo';
/** The module server's echo on a `@Concurrent()` handler: echo without the ordering. */
export const CONCURRENT_ECHO_EVENT = 'echo.concurrent';
export const PROFILE_EVENT = 'profile.update';
export const PROFILE_REPLY_EVENT = 'profile.updated';
export const BROADCAST_EVENT = 'broadcast';

const ECHO_HEAD = '{"event":"echo","data":{"text":"hello"},"id":"';
const PROFILE_HEAD =
  '{"event":"profile.update","data":{"email":"ada@example.com","displayName":"Ada Lovelace"},"id":"';
const TAIL = '"}';

/** `{"event":"echo","data":{"text":"hello"},"id":"<n>"}` */
export function echoFrame(seq: number): string {
  return ECHO_HEAD + seq + TAIL;
}

const CONCURRENT_ECHO_HEAD = '{"event":"echo.concurrent","data":{"text":"hello"},"id":"';

/** `{"event":"echo.concurrent","data":{"text":"hello"},"id":"<n>"}` */
export function concurrentEchoFrame(seq: number): string {
  return CONCURRENT_ECHO_HEAD + seq + TAIL;
}

/** `{"event":"profile.update","data":{"email":...,"displayName":...},"id":"<n>"}` */
export function profileFrame(seq: number): string {
  return PROFILE_HEAD + seq + TAIL;
}

/** The room of the broadcast scenario. */
export const BROADCAST_ROOM = 'all';
