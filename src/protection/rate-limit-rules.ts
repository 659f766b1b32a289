import { type ModulesContainer } from '@nestjs/core';
import { gatewayClasses } from '../nest/gateway-classes.js';
import { GATEWAY_OPTIONS, MESSAGE_METADATA } from '../nest/internals.js';
import { normalizeGatewayPath } from '../util/gateway-path.js';
import { RATE_LIMIT_METADATA } from './rate-limit.decorator.js';
import { checkRateRule } from './resolve-protection-options.js';
import { type RateLimitRule } from './token-bucket.js';

/** `path` + NUL + `event`: the key of one handler's rule. */
export function handlerKey(path: string, event: string): string {
  return `${path}\u0000${event}`;
}

/**
 * Reads `@RateLimit()` from every gateway handler of the app, once:
 * gateway path and event → its rule (or `false`, exempt).
 */
export function collectRateLimitRules(
  modules: ModulesContainer,
): Map<string, RateLimitRule | false> {
  const rules = new Map<string, RateLimitRule | false>();
  for (const { gateway: metatype } of gatewayClasses(modules)) {
    const options = Reflect.getMetadata(GATEWAY_OPTIONS, metatype) as { path?: string } | undefined;
    const path = normalizeGatewayPath(options?.path);
    const prototype = metatype.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const method = Object.getOwnPropertyDescriptor(prototype, name)?.value as unknown;
      if (typeof method !== 'function') continue;
      const rule = Reflect.getMetadata(RATE_LIMIT_METADATA, method) as
        | RateLimitRule
        | false
        | undefined;
      const event = Reflect.getMetadata(MESSAGE_METADATA, method) as unknown;
      if (rule === undefined || typeof event !== 'string') continue;
      checkRateRule(`@RateLimit() of ${metatype.name}.${name}`, rule);
      rules.set(handlerKey(path, event), rule);
    }
  }
  return rules;
}
