import { type WsErrorReply } from '../errors/error-mapper.js';

/** `{ event, data, id }`: a reply, or a push when `id` is undefined. */
export function messageFrame(event: string, data: unknown, id?: string | number): string {
  return JSON.stringify({ event, data, id });
}

/** The contract's error frame. Only the reply's own fields go out: no stack, no payload. */
export function errorFrame(error: WsErrorReply, event?: string, id?: string | number): string {
  return JSON.stringify({
    event: 'error',
    data: {
      code: error.code,
      message: error.message,
      event,
      details: error.details,
      retryAfterMs: error.retryAfterMs,
    },
    id,
  });
}

/**
 * `{"event":...,"data":...` without its closing brace: a push to a room that
 * keeps history, to be completed by `withPosition` once its offset is known.
 */
export function messageBody(event: string, data: unknown): string {
  return JSON.stringify({ event, data }).slice(0, -1);
}

/**
 * Completes a `messageBody` with `"pos":{ room, offset, epoch }`. Room names
 * and epochs hold no character JSON escapes. The Redis history script
 * writes the same text (`redis-history.scripts.ts`).
 */
export function withPosition(
  body: string,
  position: { room: string; offset: number; epoch: string },
): string {
  return `${body},"pos":{"room":"${position.room}","offset":${position.offset},"epoch":"${position.epoch}"}}`;
}
