import { type WsErrorCode } from '../errors/error-codes.js';
import { type ErrorFrameData } from '../frames/frame.js';

export type { ErrorFrameData };

/** Codes the client makes itself; the server never sends them. */
export const ClientErrorCode = {
  /** No reply arrived within the request's `timeoutMs`. */
  TIMEOUT: 'TIMEOUT',
  /** The connection dropped after the request was sent; it may or may not have run. */
  CONNECTION_LOST: 'CONNECTION_LOST',
  /** The client is closed for good (by `close()` or a terminal close code). */
  CLOSED: 'CLOSED',
  /** `getToken()` failed or gave no token where one was needed. */
  NO_TOKEN: 'NO_TOKEN',
} as const;

export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

/** Any code a `WsClientError` can hold: the contract's, the client's, or an app's own. */
export type WsClientErrorCode = WsErrorCode | ClientErrorCode | (string & Record<never, never>);

/** A failed request or a server error frame, with the contract's fields. */
export class WsClientError extends Error {
  override readonly name = 'WsClientError';
  readonly code: WsClientErrorCode;
  /** The request event the error answers, when known. */
  readonly event: string | undefined;
  /** E.g. `[{ path, constraints }]` for VALIDATION_FAILED, `{ ref }` for INTERNAL. */
  readonly details: unknown;
  /** Set with RATE_LIMITED: when to try again. */
  readonly retryAfterMs: number | undefined;

  constructor(
    code: WsClientErrorCode,
    message: string,
    extra: Omit<ErrorFrameData, 'code' | 'message'> = {},
  ) {
    super(message);
    this.code = code;
    this.event = extra.event;
    this.details = extra.details;
    this.retryAfterMs = extra.retryAfterMs;
  }

  /** The error an error frame's `data` describes. */
  static fromFrame(data: unknown): WsClientError {
    const fields = (
      typeof data === 'object' && data !== null ? data : {}
    ) as Partial<ErrorFrameData>;
    return new WsClientError(
      typeof fields.code === 'string' ? fields.code : 'UNKNOWN',
      typeof fields.message === 'string' ? fields.message : 'Error frame without a message',
      { event: fields.event, details: fields.details, retryAfterMs: fields.retryAfterMs },
    );
  }
}
