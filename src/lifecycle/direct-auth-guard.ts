import { type Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  REQUIRED_CLAIMS,
  REQUIRED_ROLES,
  REQUIRED_SCOPES,
} from '../auth/require-auth.decorators.js';
import { WsAuthGuard } from '../auth/ws-auth.guard.js';
import { connectionOf } from '../connection/connection.js';
import { type WsSession } from '../connection/session.js';
import { WsErrorCode } from '../errors/error-codes.js';
import { SecureWsException } from '../errors/secure-ws.exception.js';
import { currentMessage } from '../logging/message-context.js';
import { type Module } from '../nest/internals.js';

/** Checks one message's connection as the guards would: returns, or throws FORBIDDEN. */
export type DirectGuardCheck = (client: unknown) => void;

/** The module's own guard itself, not a subclass that may override a hook. */
function isModuleGuard(guard: unknown): guard is WsAuthGuard {
  return (
    typeof guard === 'object' &&
    guard !== null &&
    Object.getPrototypeOf(guard) === WsAuthGuard.prototype
  );
}

/**
 * How many guards a list (global, class or handler guards, as declared)
 * holds when each is the module's `WsAuthGuard`, else `undefined`. A class
 * resolves, as Nest resolves it, to the module's injectable of that class,
 * and only when it is a singleton (its dependency tree static).
 */
export function authGuardsOf(guards: readonly unknown[], module: Module): number | undefined {
  let count = 0;
  for (const guard of guards) {
    if (typeof guard === 'function') {
      const wrapper = module.injectables.get(guard as Type);
      if (!wrapper?.isDependencyTreeStatic() || !isModuleGuard(wrapper.instance)) return undefined;
    } else if (!isModuleGuard(guard)) {
      return undefined;
    }
    count += 1;
  }
  return count;
}

function stringsOf(value: unknown, separator?: RegExp): string[] {
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  if (typeof value === 'string')
    return separator ? value.split(separator).filter(Boolean) : [value];
  return [];
}

/** What `WsAuthGuard`'s hooks read from a session: its roles and scopes. */
interface Grants {
  roles: Set<string>;
  scopes: Set<string>;
}

/** Per session object (a refreshed session is a new one); gone with it. */
const grantsOfSession = new WeakMap<WsSession, Grants>();

function grantsOf(session: WsSession): Grants {
  let grants = grantsOfSession.get(session);
  if (!grants) {
    const { claims } = session;
    grants = {
      roles: new Set(stringsOf(claims.roles)),
      scopes: new Set([
        ...stringsOf(claims.scope, / +/),
        ...stringsOf(claims.scp, / +/),
        ...stringsOf(claims.scopes, / +/),
      ]),
    };
    grantsOfSession.set(session, grants);
  }
  return grants;
}

function forbidden(message: string): never {
  currentMessage()?.step('guard', WsErrorCode.FORBIDDEN);
  throw new SecureWsException(WsErrorCode.FORBIDDEN, message);
}

const reflector = new Reflector();

/**
 * `WsAuthGuard.canActivate` for one handler, its requirements
 * (`@RequireRoles`, `@RequireScopes`, `@RequireClaims` of the handler and
 * its class, merged as the guard merges them) read once: the same checks in
 * the same order, the same FORBIDDEN messages and the same `guard` steps,
 * run `times` times as Nest runs each guard in the list.
 */
export function directGuardCheck(
  handler: (...args: never[]) => unknown,
  gateway: Type,
  times: number,
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
    const message = currentMessage();
    if (message) for (let i = 0; i < times; i += 1) message.step('guard', 'ok');
  };
}
