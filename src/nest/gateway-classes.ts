import { type Type } from '@nestjs/common';
import { type ModulesContainer } from '@nestjs/core';
import { GATEWAY_METADATA, type Module } from './internals.js';

/** One gateway class of the app and the module that declares it. */
export interface GatewayClass {
  readonly gateway: Type;
  readonly module: Module;
}

/** Every `@WebSocketGateway()` class the app's modules provide: the one scan of the app. */
export function gatewayClasses(modules: ModulesContainer): GatewayClass[] {
  const found: GatewayClass[] = [];
  for (const module of modules.values()) {
    for (const wrapper of module.providers.values()) {
      const metatype = wrapper.metatype as Type | null;
      if (typeof metatype === 'function' && Reflect.hasMetadata(GATEWAY_METADATA, metatype)) {
        found.push({ gateway: metatype, module });
      }
    }
  }
  return found;
}
