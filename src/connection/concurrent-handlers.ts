import { Injectable, type Type } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { gatewayClasses } from '../nest/gateway-classes.js';
import { GATEWAY_OPTIONS, MESSAGE_METADATA } from '../nest/internals.js';
import { normalizeGatewayPath } from '../util/gateway-path.js';
import { CONCURRENT_METADATA } from './concurrent.decorator.js';

/** `path` + NUL + `event`: one gateway handler. */
function keyOf(path: string, event: string): string {
  return `${path}\u0000${event}`;
}

/**
 * The handlers marked `@Concurrent()`, by gateway path and event, read once
 * from every gateway of the app when it starts.
 */
@Injectable()
export class ConcurrentHandlers {
  private readonly keys = new Set<string>();

  constructor(modules: ModulesContainer) {
    for (const { gateway } of gatewayClasses(modules)) this.collect(gateway);
  }

  /** Whether the handler of `event` on the gateway at `path` (normalized) is concurrent. */
  has(path: string, event: string): boolean {
    return this.keys.size > 0 && this.keys.has(keyOf(path, event));
  }

  private collect(gateway: Type): void {
    const options = Reflect.getMetadata(GATEWAY_OPTIONS, gateway) as { path?: string } | undefined;
    const path = normalizeGatewayPath(options?.path);
    const prototype = gateway.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const method = Object.getOwnPropertyDescriptor(prototype, name)?.value as unknown;
      if (typeof method !== 'function' || !Reflect.getMetadata(CONCURRENT_METADATA, method)) {
        continue;
      }
      const event = Reflect.getMetadata(MESSAGE_METADATA, method) as unknown;
      if (typeof event === 'string') this.keys.add(keyOf(path, event));
    }
  }
}
