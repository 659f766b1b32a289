import { type Type } from '@nestjs/common';
import { type Reflector } from '@nestjs/core';
import { connectionOf } from '../connection/connection.js';
import { type WsSession } from '../connection/session.js';
import { currentMessage } from '../logging/message-context.js';
import { type DirectGuardCheck } from '../nest/direct-guard.interface.js';
import { REQUIRED_CLAIMS, REQUIRED_ROLES, REQUIRED_SCOPES } from './require-auth.decorators.js';
import { forbidden, rolesOf, scopesOf } from './session-grants.js';

/** What `WsAuthGuard`'s default hooks read from a session: its roles and scopes. */
interface Grants {
  roles: Set<string>;
  scopes: Set<string>;
}

/** Per session object (a refreshed session is a new one), gone with it. */
const grantsOfSession = new WeakMap<WsSession, Grants>();

function grantsOf(session: WsSession): Grants {
  let grants = grantsOfSession.get(session);
  if (!grants) {
    grants = {
      roles: new Set(rolesOf(session)),
      scopes: new Set(scopesOf(session)),
    };
    grantsOfSession.set(session, grants);
  }
  return grants;
}

/**
 * `WsAuthGuard.canActivate` with its default hooks, for one handler: its
 * requirements (`@RequireRoles`, `@RequireScopes`, `@RequireClaims` of the
 * handler and its class, merged as the guard merges them) read once; per
 * message the same checks in the same order, the same FORBIDDEN messages
 * and `guard` steps. A session's roles and scopes are read once per session.
 */
export function wsAuthDirectCheck(
  reflector: Reflector,
  handler: (...args: never[]) => unknown,
  gateway: Type,
): DirectGuardCheck {
  const targets = [handler, gateway];
  const roles = reflector.getAllAndMerge<string[]>(REQUIRED_ROLES, targets);
  const scopes = reflector.getAllAndMerge<string[]>(REQUIRED_SCOPES, targets);
  const claims = Object.entries(
    reflector.getAllAndMerge<Record<string, unknown>>(REQUIRED_CLAIMS, targets) ?? {},
  );
  return (client) => {
    const session = connectionOf(client)?.session;
    if (!session) forbidden('Authentication required');
    const grants = grantsOf(session);
    for (const role of roles) if (!grants.roles.has(role)) forbidden('Missing a required role');
    for (const scope of scopes) {
      if (!grants.scopes.has(scope)) forbidden('Missing a required scope');
    }
    for (const [name, value] of claims) {
      if (session.claims[name] !== value) forbidden('Missing a required claim');
    }
    currentMessage()?.step('guard', 'ok');
  };
}
