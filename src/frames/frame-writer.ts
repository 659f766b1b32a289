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
