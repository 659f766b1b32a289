import { WsErrorCode } from '../errors/error-codes.js';
import { replyOf, type WsErrorReply } from '../errors/error-mapper.js';
import { type TokenCheck } from './jwt-verifier.js';

/** The message a client reads for each authentication failure; reasons stay in the log. */
export function refusalOf(check: Extract<TokenCheck, { ok: false }>): WsErrorReply {
  return replyOf(check.code);
}

/** UNAUTHENTICATED for a frame sent before `auth`: answered, the connection stays open. */
export function authenticateFirst(): WsErrorReply {
  return {
    ...replyOf(WsErrorCode.UNAUTHENTICATED, {
      message: 'Authenticate first: send { "event": "auth", "data": { "token": "<jwt>" } }',
    }),
    closeCode: undefined,
  };
}

/** The token of an `auth` frame's data: `{ token }`. */
export function tokenOfAuthFrame(data: unknown): string | undefined {
  const token = (data as { token?: unknown } | null | undefined)?.token;
  return typeof token === 'string' ? token : undefined;
}
