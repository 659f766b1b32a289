import { type Type } from '@nestjs/common';
import {
  type DirectGuard,
  type DirectGuardCheck,
  isDirectGuard,
} from '../nest/direct-guard.interface.js';
import { type Module } from '../nest/internals.js';

/**
 * The guards of a list (global, class or handler guards, as declared) when
 * each can be checked straight, else `undefined`. A class resolves, as Nest
 * resolves it, to the module's injectable of that class, and only when it
 * is a singleton (its dependency tree static).
 */
export function directGuardsOf(
  guards: readonly unknown[],
  module: Module,
): DirectGuard[] | undefined {
  const found: DirectGuard[] = [];
  for (const guard of guards) {
    let instance: unknown = guard;
    if (typeof guard === 'function') {
      const wrapper = module.injectables.get(guard as Type);
      if (!wrapper?.isDependencyTreeStatic()) return undefined;
      instance = wrapper.instance;
    }
    if (!isDirectGuard(instance)) return undefined;
    found.push(instance);
  }
  return found;
}

/** The guards' checks for one handler, run in order as Nest runs them; `undefined` if one declines. */
export function guardsCheck(
  guards: readonly DirectGuard[],
  handler: (...args: never[]) => unknown,
  gateway: Type,
): DirectGuardCheck | undefined {
  const checks: DirectGuardCheck[] = [];
  for (const guard of guards) {
    const check = guard.directCheck(handler, gateway);
    if (!check) return undefined;
    checks.push(check);
  }
  const [only] = checks;
  if (checks.length === 1 && only) return only;
  return (client) => {
    for (const check of checks) check(client);
  };
}
