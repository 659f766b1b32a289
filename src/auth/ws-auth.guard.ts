import { type ExecutionContext, Injectable, type Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { connectionOf } from '../connection/connection.js';
import { type WsSession } from '../connection/session.js';
import { currentMessage } from '../logging/message-context.js';
import { type DirectGuard, type DirectGuardCheck } from '../nest/direct-guard.interface.js';
import { REQUIRED_CLAIMS, REQUIRED_ROLES, REQUIRED_SCOPES } from './require-auth.decorators.js';
import { forbidden, rolesOf, scopesOf } from './session-grants.js';
import { wsAuthDirectCheck } from './ws-auth.direct-check.js';

/**
 * Checks `@RequireRoles`, `@RequireScopes` and `@RequireClaims` on each
 * message: a refusal is answered FORBIDDEN and the connection stays open.
 * Use it with `@UseGuards(WsAuthGuard)`; override a hook to read roles or
 * scopes from other claims.
 */
@Injectable()
export class WsAuthGuard implements DirectGuard {
  constructor(protected readonly reflector: Reflector) {}

  /**
   * The same check without Nest's context, made once per handler (see
   * `DirectGuard`); `undefined` when a subclass overrides a method the
   * check would otherwise skip, so that it keeps Nest's path.
   */
  directCheck(handler: (...args: never[]) => unknown, gateway: Type): DirectGuardCheck | undefined {
    const own = WsAuthGuard.prototype;
    const overridden =
      this.canActivate !== own.canActivate ||
      this.getSession !== own.getSession ||
      this.getRoles !== own.getRoles ||
      this.getScopes !== own.getScopes ||
      this.throwForbidden !== own.throwForbidden;
    return overridden ? undefined : wsAuthDirectCheck(this.reflector, handler, gateway);
  }

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    const roles = this.reflector.getAllAndMerge<string[]>(REQUIRED_ROLES, targets);
    const scopes = this.reflector.getAllAndMerge<string[]>(REQUIRED_SCOPES, targets);
    const claims = this.reflector.getAllAndMerge<Record<string, unknown>>(REQUIRED_CLAIMS, targets);
    const session = this.getSession(context);
    if (!session) this.throwForbidden('Authentication required');
    const held = new Set(this.getRoles(session));
    if (!roles.every((role) => held.has(role))) this.throwForbidden('Missing a required role');
    const granted = new Set(this.getScopes(session));
    if (!scopes.every((scope) => granted.has(scope)))
      this.throwForbidden('Missing a required scope');
    for (const [name, value] of Object.entries(claims ?? {})) {
      if (session.claims[name] !== value) this.throwForbidden('Missing a required claim');
    }
    currentMessage()?.step('guard', 'ok');
    return true;
  }

  /** The session of the message's connection. */
  protected getSession(context: ExecutionContext): WsSession | undefined {
    return connectionOf(context.switchToWs().getClient())?.session;
  }

  /** The session's roles: the `roles` claim (array or string). */
  protected getRoles(session: WsSession): string[] {
    return rolesOf(session);
  }

  /** The session's scopes: `scope` (space-separated, RFC 8693) or `scp` / `scopes` (array). */
  protected getScopes(session: WsSession): string[] {
    return scopesOf(session);
  }

  /** Ends the check: FORBIDDEN for this message. */
  protected throwForbidden(message: string): never {
    return forbidden(message);
  }
}
