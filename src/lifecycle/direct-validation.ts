import { type Type } from '@nestjs/common';
import { type Module } from '../nest/internals.js';
import { isDtoClass, SecureValidationPipe } from '../validation/secure-validation.pipe.js';
import { GatewayPayloadValidation } from './gateway-payload-validation.js';

/** Validates one `@MessageBody()` value: the DTO instance, a promise of it, or a throw. */
export type PayloadValidation = (value: unknown) => unknown;

/** The module's own pipe itself, not a subclass that may do more. */
function isModulePipe(pipe: unknown): pipe is SecureValidationPipe {
  return (
    typeof pipe === 'object' &&
    pipe !== null &&
    Object.getPrototypeOf(pipe) === SecureValidationPipe.prototype
  );
}

/**
 * The pipes of a list (global, class or handler pipes, as declared) when
 * each is the module's `SecureValidationPipe`, else `undefined`. The
 * `GatewayPayloadValidation` token resolves, as Nest resolves it, to what
 * the gateway's module binds it to (nothing when `validateAllGateways` is
 * off: Nest then skips it).
 */
export function validationPipesOf(
  pipes: readonly unknown[],
  module: Module,
): SecureValidationPipe[] | undefined {
  const found: SecureValidationPipe[] = [];
  for (const pipe of pipes) {
    if (pipe === GatewayPayloadValidation) {
      const bound: unknown = module.injectables.get(GatewayPayloadValidation)?.instance;
      if (bound === undefined || bound === null) continue;
      if (!isModulePipe(bound)) return undefined;
      found.push(bound);
    } else if (isModulePipe(pipe)) {
      found.push(pipe);
    } else {
      return undefined;
    }
  }
  return found;
}

/**
 * What Nest's pipes would make of a `@MessageBody()` typed `metatype`, run
 * in order: `undefined` when they leave it as it is (no pipe, or not a DTO
 * class). Synchronous for DTO classes whose constraints all are.
 */
export function payloadValidation(
  pipes: readonly SecureValidationPipe[],
  metatype: unknown,
): PayloadValidation | undefined {
  if (pipes.length === 0 || !isDtoClass(metatype)) return undefined;
  const dto: Type = metatype;
  const [only] = pipes;
  if (pipes.length === 1 && only) return (value) => only.validatePayload(value, dto);
  return (value) => {
    let result: unknown = value;
    for (const pipe of pipes) {
      result =
        result instanceof Promise
          ? result.then((resolved: unknown) => pipe.validatePayload(resolved, dto))
          : pipe.validatePayload(result, dto);
    }
    return result;
  };
}
