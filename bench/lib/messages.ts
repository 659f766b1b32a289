/**
 * The exact frames the load generator sends. Built by string concatenation so
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

/** An echo frame whose text is `bytes` long (for the stalled-reader scenario). */
export function bigEchoFrameFactory(bytes: number): (seq: number) => string {
  const head = `{"event":"echo","data":{"text":"${'x'.repeat(bytes)}"},"id":"`;
  return (seq) => head + seq + TAIL;
}

export const BROADCAST_ROOM = 'all';

export function joinFrame(seq: number): string {
  return `{"event":"room.join","data":{"room":"${BROADCAST_ROOM}"},"id":"${seq}"}`;
}

export function broadcastFrame(round: number): string {
  return `{"event":"broadcast","data":{"room":"${BROADCAST_ROOM}","text":"hello","round":${round}}}`;
}
