import { Inject, Injectable, type Type } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { GATEWAY_METADATA } from '@nestjs/websockets/constants.js';
import { type ResolvedSecureWsOptions } from '../options/secure-ws-options.interface.js';
import { SECURE_WS_OPTIONS } from '../secure-ws.module-definition.js';
import { SecureStandardSchemaPipe } from '../validation/secure-standard-schema.pipe.js';
import { SecureValidationPipe } from '../validation/secure-validation.pipe.js';
import { hardenGateway } from './gateway-hardener.js';

/** Shared by every app in the process: it holds no state. */
const DEFAULT_VALIDATION_PIPE = new SecureValidationPipe();
const DEFAULT_SCHEMA_PIPE = new SecureStandardSchemaPipe();

/**
 * Hardens every gateway class of the app while providers are created,
 * which is before Nest binds gateways to their servers during `init()`.
 */
@Injectable()
export class GatewayDiscovery {
  constructor(
    modules: ModulesContainer,
    @Inject(SECURE_WS_OPTIONS) options: ResolvedSecureWsOptions,
  ) {
    const validate = options.validateAllGateways;
    const pipe = validate ? DEFAULT_VALIDATION_PIPE : undefined;
    const schemaPipe = validate ? DEFAULT_SCHEMA_PIPE : undefined;
    for (const module of modules.values()) {
      for (const wrapper of module.providers.values()) {
        const metatype = wrapper.metatype as Type | null;
        if (typeof metatype === 'function' && Reflect.hasMetadata(GATEWAY_METADATA, metatype)) {
          hardenGateway(metatype, pipe, schemaPipe);
        }
      }
    }
  }
}
