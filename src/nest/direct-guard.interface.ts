import { type CanActivate, type Type } from '@nestjs/common';

/**
 * One message's check by a guard without Nest's context: it returns when
 * the guard would let the message through, and throws what `canActivate`
 * would throw otherwise. Called with the message's ws client.
 */
export type DirectGuardCheck = (client: unknown) => void;

/**
 * A guard that can be checked straight: the module calls a handler whose
 * every guard is one of these (and that has no interceptor, filter or pipe
 * but the module's validation pipe) without Nest's per-message context.
 * `directCheck` runs once per handler at start-up; it returns the check, or
 * `undefined` to keep the handler on Nest's path. The check must answer
 * exactly as `canActivate` does (same exception, same steps reported);
 * `WsAuthGuard` is one.
 */
export interface DirectGuard extends CanActivate {
  directCheck(handler: (...args: never[]) => unknown, gateway: Type): DirectGuardCheck | undefined;
}

/** True for a guard instance with a `directCheck`. */
export function isDirectGuard(guard: unknown): guard is DirectGuard {
  return (
    typeof guard === 'object' &&
    guard !== null &&
    typeof (guard as Partial<DirectGuard>).directCheck === 'function'
  );
}
