import { type Type } from '@nestjs/common';
import { type ModulesContainer } from '@nestjs/core';
import { GATEWAY_METADATA } from '@nestjs/websockets/constants.js';

/** The gateway classes the app registered, each once, in module order. */
export function registeredGateways(modules: ModulesContainer): Type[] {
  const gateways = new Set<Type>();
  for (const module of modules.values()) {
    for (const wrapper of module.providers.values()) {
      const metatype = wrapper.metatype as Type | null;
      if (typeof metatype === 'function' && Reflect.hasMetadata(GATEWAY_METADATA, metatype)) {
        gateways.add(metatype);
      }
    }
  }
  return [...gateways];
}
