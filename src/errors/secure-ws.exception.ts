import { type WsCloseCode, type WsErrorCode } from './error-codes.js';

export interface SecureWsExceptionOptions {
  /** Sent to the client as `data.details`. Never put client payloads here, only paths. */
  details?: unknown;
  /** Sent to the client as `data.retryAfterMs`. */
  retryAfterMs?: number;
  /** Close the connection with this code after the error frame. */
  closeCode?: WsCloseCode | number;
}

/**
 * The exception to throw from a handler, guard or pipe to answer the client
 * with a chosen error code. Its message is sent to the client as it is.
 */
export class SecureWsException extends Error {
  readonly details: unknown;
  readonly retryAfterMs: number | undefined;
  readonly closeCode: number | undefined;

  constructor(
    readonly code: WsErrorCode | (string & {}),
    message: string,
    options: SecureWsExceptionOptions = {},
  ) {
    super(message);
    this.name = 'SecureWsException';
    this.details = options.details;
    this.retryAfterMs = options.retryAfterMs;
    this.closeCode = options.closeCode;
  }
}
