import { CLOSE_CODE_OF, WsCloseCode, WsErrorCode } from '../errors/error-codes.js';

/** One row of the contract's error code table. */
export interface ErrorCodeDoc {
  code: string;
  when: string;
  /** What happens to the connection. */
  connection: string;
  /** The close code that follows the error frame, when the connection is closed. */
  closeCode?: number;
}

/** When each code is sent and what happens to the connection (the wire contract's table). */
const WHEN: Readonly<Partial<Record<WsErrorCode, [when: string, connection: string]>>> = {
  BAD_FRAME: [
    'the text frame is not a JSON object with a string `event` (bad JSON, array, missing event, bad id, too deep)',
    'stays open; a flood of bad frames closes 1008',
  ],
  UNSUPPORTED_FRAME: ['binary frame on a JSON gateway', 'stays open'],
  UNKNOWN_EVENT: ['no handler for `event`', 'stays open'],
  VALIDATION_FAILED: [
    'the payload failed validation; `details`: `[{ "path": "email", "constraints": ["email must be an email"] }]`',
    'stays open',
  ],
  BAD_REQUEST: [
    'the request was refused (e.g. an `idempotencyKey` reused with another event)',
    'stays open',
  ],
  FORBIDDEN: ['a guard refused this message (role, scope, claim)', 'stays open'],
  RATE_LIMITED: [
    'too many messages; `retryAfterMs` set',
    'stays open; persistent abuse closes 4429',
  ],
  INTERNAL: [
    'a handler failed unexpectedly; `details.ref` is an id also written to the server log',
    'stays open',
  ],
  UNAUTHENTICATED: [
    'no token, malformed token, bad signature, algorithm not allowed, wrong issuer or audience, token not yet valid',
    'closed 4401',
  ],
  TOKEN_EXPIRED: ["the token's `exp` has passed, at connect or during the session", 'closed 4401'],
  SESSION_REVOKED: [
    'the server revoked the session (user kicked, token id revoked)',
    'closed 4403',
  ],
  AUTH_TIMEOUT: ['first-message authentication did not arrive in time', 'closed 4408'],
  SLOW_CONSUMER: ['the client does not read and its send buffer passed the limit', 'closed 1013'],
  SHUTTING_DOWN: ['the server is stopping', 'closed 1001'],
  IDLE_TIMEOUT: [
    'a connection without a session sent no message for `preAuth.idleTimeoutMs`',
    'closed 1000',
  ],
  RESUME_REQUIRED: [
    'this node missed messages of a room the connection is in and could not read them from the history (Redis out of reach, or no longer kept); `details.room` names it',
    'closed 1012; reconnect and send `session.resume`',
  ],
};

/** Every code of `WsErrorCode`, with its row of the table. */
export function errorCodeDocs(): ErrorCodeDoc[] {
  return Object.values(WsErrorCode).map((code) => {
    const [when, connection] = WHEN[code] ?? [`see the code's documentation`, 'stays open'];
    const closeCode = CLOSE_CODE_OF[code];
    return closeCode === undefined
      ? { code, when, connection }
      : { code, when, connection, closeCode };
  });
}

/** What each close code of the contract means. */
const CLOSE_MEANING: Readonly<Partial<Record<number, string>>> = {
  1000: 'normal close (also IDLE_TIMEOUT)',
  1001: 'the server is stopping (SHUTTING_DOWN)',
  1002: 'protocol error',
  1007: 'invalid UTF-8 in a text frame',
  1008: 'policy violation (e.g. a flood of bad frames)',
  1009: 'a frame over the size limit',
  1011: 'internal error',
  1012: 'service restart: reconnect and resume (RESUME_REQUIRED)',
  1013: 'try again later: the client does not read (SLOW_CONSUMER)',
  4401: 'UNAUTHENTICATED or TOKEN_EXPIRED',
  4403: 'SESSION_REVOKED',
  4408: 'AUTH_TIMEOUT',
  4429: 'persistent rate-limit abuse',
};

export interface CloseCodeDoc {
  code: number;
  name: string;
  meaning: string;
}

export function closeCodeDocs(): CloseCodeDoc[] {
  return Object.entries(WsCloseCode).map(([name, code]) => ({
    code,
    name,
    meaning: CLOSE_MEANING[code] ?? name,
  }));
}
