import { HttpException } from '@nestjs/common';
import { WsException } from '@nestjs/websockets';
import { CLOSE_CODE_OF, DEFAULT_MESSAGE_OF, WsErrorCode } from './error-codes.js';
import { SecureWsException } from './secure-ws.exception.js';

/** What the client is told about one failure, before it is written as a frame. */
export interface WsErrorReply {
  code: string;
  message: string;
  details?: unknown;
  retryAfterMs?: number;
  /** Close the connection with this code after the error frame. */
  closeCode?: number;
  /** True when the failure is a server bug: logged at error level with a `ref`. */
  unexpected: boolean;
}

const MAX_MESSAGE_LENGTH = 256;
/** The message Nest's WsContextCreator throws when a guard returns false. */
const NEST_FORBIDDEN_MESSAGE = 'Forbidden resource';

function clip(text: string): string {
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH)}…` : text;
}

export function replyOf(
  code: WsErrorCode,
  options: Partial<Omit<WsErrorReply, 'code' | 'unexpected'>> = {},
): WsErrorReply {
  return {
    code,
    message: options.message ?? DEFAULT_MESSAGE_OF[code],
    details: options.details,
    retryAfterMs: options.retryAfterMs,
    closeCode: options.closeCode ?? CLOSE_CODE_OF[code],
    unexpected: code === WsErrorCode.INTERNAL,
  };
}

function fromSecureWsException(error: SecureWsException): WsErrorReply {
  return {
    code: error.code,
    message: clip(error.message),
    details: error.details,
    retryAfterMs: error.retryAfterMs,
    closeCode: error.closeCode ?? CLOSE_CODE_OF[error.code as WsErrorCode],
    unexpected: error.code === WsErrorCode.INTERNAL,
  };
}

function fromWsException(error: WsException): WsErrorReply {
  const body = error.getError();
  if (typeof body === 'string') {
    return body === NEST_FORBIDDEN_MESSAGE
      ? replyOf(WsErrorCode.FORBIDDEN)
      : replyOf(WsErrorCode.BAD_REQUEST, { message: clip(body) });
  }
  const { code, message, details } = (body ?? {}) as Record<string, unknown>;
  if (typeof code === 'string' && code.length > 0 && code.length <= 64) {
    return {
      ...replyOf(WsErrorCode.BAD_REQUEST, { details }),
      code,
      message: typeof message === 'string' ? clip(message) : DEFAULT_MESSAGE_OF.BAD_REQUEST,
      closeCode: CLOSE_CODE_OF[code as WsErrorCode],
    };
  }
  return replyOf(WsErrorCode.BAD_REQUEST);
}

/** Messages of a stock `ValidationPipe` error: class-validator texts, never values. */
function validationMessages(response: unknown): string[] | undefined {
  const messages = (response as { message?: unknown } | undefined)?.message;
  return Array.isArray(messages) && messages.every((m) => typeof m === 'string')
    ? messages.slice(0, 50).map(clip)
    : undefined;
}

function httpMessage(error: HttpException): string | undefined {
  const response = error.getResponse();
  if (typeof response === 'string') return clip(response);
  const message = (response as { message?: unknown }).message;
  return typeof message === 'string' ? clip(message) : undefined;
}

function fromHttpException(error: HttpException): WsErrorReply {
  const status = error.getStatus();
  const response = error.getResponse();
  const wsError = (response as { wsError?: WsErrorReply }).wsError;
  if (wsError) return wsError;
  if (status >= 500) return replyOf(WsErrorCode.INTERNAL);
  switch (status) {
    case 400: {
      const messages = validationMessages(response);
      return messages
        ? replyOf(WsErrorCode.VALIDATION_FAILED, {
            details: [{ path: '', constraints: messages }],
          })
        : replyOf(WsErrorCode.BAD_REQUEST, { message: httpMessage(error) });
    }
    case 401:
      return replyOf(WsErrorCode.UNAUTHENTICATED);
    case 403:
      return replyOf(WsErrorCode.FORBIDDEN);
    case 429:
      return replyOf(WsErrorCode.RATE_LIMITED, { retryAfterMs: 1000 });
    default:
      return replyOf(WsErrorCode.BAD_REQUEST, { message: httpMessage(error) });
  }
}

/**
 * The one mapping from anything thrown (sync or async, by a handler, guard,
 * pipe, interceptor or filter) to what the client is told. Unknown throws
 * become INTERNAL: their text never reaches the client.
 */
export function mapError(error: unknown): WsErrorReply {
  if (error instanceof SecureWsException) return fromSecureWsException(error);
  if (error instanceof WsException) return fromWsException(error);
  if (error instanceof HttpException) return fromHttpException(error);
  return replyOf(WsErrorCode.INTERNAL);
}
