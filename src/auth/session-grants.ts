import { type WsSession } from '../connection/session.js';
import { WsErrorCode } from '../errors/error-codes.js';
import { SecureWsException } from '../errors/secure-ws.exception.js';
import { currentMessage } from '../logging/message-context.js';

function stringsOf(value: unknown, separator?: RegExp): string[] {
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  if (typeof value === 'string')
    return separator ? value.split(separator).filter(Boolean) : [value];
  return [];
}

/** A session's roles: the `roles` claim (array or string). */
export function rolesOf(session: WsSession): string[] {
  return stringsOf(session.claims.roles);
}

/** A session's scopes: `scope` (space-separated, RFC 8693) or `scp` / `scopes` (array). */
export function scopesOf(session: WsSession): string[] {
  return [
    ...stringsOf(session.claims.scope, / +/),
    ...stringsOf(session.claims.scp, / +/),
    ...stringsOf(session.claims.scopes, / +/),
  ];
}

/** FORBIDDEN for this message, the `guard` step reported. */
export function forbidden(message: string): never {
  currentMessage()?.step('guard', WsErrorCode.FORBIDDEN);
  throw new SecureWsException(WsErrorCode.FORBIDDEN, message);
}
