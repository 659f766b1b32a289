/**
 * The error codes of the wire contract. A client matches on these strings;
 * they never change meaning.
 */
export const WsErrorCode = {
  BAD_FRAME: 'BAD_FRAME',
  UNSUPPORTED_FRAME: 'UNSUPPORTED_FRAME',
  UNKNOWN_EVENT: 'UNKNOWN_EVENT',
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  BAD_REQUEST: 'BAD_REQUEST',
  FORBIDDEN: 'FORBIDDEN',
  RATE_LIMITED: 'RATE_LIMITED',
  INTERNAL: 'INTERNAL',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  TOKEN_EXPIRED: 'TOKEN_EXPIRED',
  SESSION_REVOKED: 'SESSION_REVOKED',
  AUTH_TIMEOUT: 'AUTH_TIMEOUT',
  SLOW_CONSUMER: 'SLOW_CONSUMER',
  SHUTTING_DOWN: 'SHUTTING_DOWN',
  IDLE_TIMEOUT: 'IDLE_TIMEOUT',
  UNAVAILABLE: 'UNAVAILABLE',
  RESUME_REQUIRED: 'RESUME_REQUIRED',
} as const;

export type WsErrorCode = (typeof WsErrorCode)[keyof typeof WsErrorCode];

/** WebSocket close codes used by the contract. */
export const WsCloseCode = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  PROTOCOL_ERROR: 1002,
  INVALID_PAYLOAD: 1007,
  POLICY_VIOLATION: 1008,
  MESSAGE_TOO_BIG: 1009,
  INTERNAL_ERROR: 1011,
  SERVICE_RESTART: 1012,
  TRY_AGAIN_LATER: 1013,
  UNAUTHENTICATED: 4401,
  SESSION_REVOKED: 4403,
  AUTH_TIMEOUT: 4408,
  RATE_LIMITED: 4429,
} as const;

export type WsCloseCode = (typeof WsCloseCode)[keyof typeof WsCloseCode];

/**
 * The close code that follows an error frame of this code, or `undefined`
 * when the connection stays open.
 */
export const CLOSE_CODE_OF: Readonly<Partial<Record<WsErrorCode, WsCloseCode>>> = {
  UNAUTHENTICATED: WsCloseCode.UNAUTHENTICATED,
  TOKEN_EXPIRED: WsCloseCode.UNAUTHENTICATED,
  SESSION_REVOKED: WsCloseCode.SESSION_REVOKED,
  AUTH_TIMEOUT: WsCloseCode.AUTH_TIMEOUT,
  SLOW_CONSUMER: WsCloseCode.TRY_AGAIN_LATER,
  SHUTTING_DOWN: WsCloseCode.GOING_AWAY,
  IDLE_TIMEOUT: WsCloseCode.NORMAL,
  RESUME_REQUIRED: WsCloseCode.SERVICE_RESTART,
};

/** The message a client reads for each code, unless the error carries its own. */
export const DEFAULT_MESSAGE_OF: Readonly<Record<WsErrorCode, string>> = {
  BAD_FRAME: 'Frame is not a valid message envelope',
  UNSUPPORTED_FRAME: 'Binary frames are not accepted on this gateway',
  UNKNOWN_EVENT: 'No handler for this event',
  VALIDATION_FAILED: 'Validation failed',
  BAD_REQUEST: 'Request refused',
  FORBIDDEN: 'Forbidden',
  RATE_LIMITED: 'Too many messages',
  INTERNAL: 'Internal error',
  UNAUTHENTICATED: 'Authentication required',
  TOKEN_EXPIRED: 'Token expired',
  SESSION_REVOKED: 'Session revoked',
  AUTH_TIMEOUT: 'Authentication did not arrive in time',
  SLOW_CONSUMER: 'Client is not reading its messages',
  SHUTTING_DOWN: 'Server is shutting down',
  IDLE_TIMEOUT: 'No message arrived in time on a connection without a session',
  UNAVAILABLE: 'A service this request needs is unavailable; nothing ran, retry later',
  RESUME_REQUIRED: 'Messages of a room could not be delivered in order; reconnect and resume',
};
