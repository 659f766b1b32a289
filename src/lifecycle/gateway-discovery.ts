import { Inject, Injectable } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { gatewayClasses } from '../nest/gateway-classes.js';
import { type ResolvedSecureWsOptions } from '../options/secure-ws-options.interface.js';
import { SECURE_WS_OPTIONS } from '../options/secure-ws-options.token.js';
import { SecureValidationPipe } from '../validation/secure-validation.pipe.js';
import { hardenGateway } from './gateway-hardener.js';
import { GatewayPayloadValidation } from './gateway-payload-validation.js';

/**
 * Hardens every gateway class of the app while providers are created,
 * which is before Nest binds gateways to their servers during `init()`, and
 * binds, in each gateway's module of this app only, the payload validation
 * this app's options ask for.
 */
@Injectable()
export class GatewayDiscovery {
  constructor(
    modules: ModulesContainer,
    @Inject(SECURE_WS_OPTIONS) options: ResolvedSecureWsOptions,
  ) {
    const pipe = options.validateAllGateways ? new SecureValidationPipe() : undefined;
    const found = gatewayClasses(modules);
    for (const { gateway } of found) hardenGateway(gateway);
    for (const module of new Set(found.map((entry) => entry.module))) {
      // Nest resolves a pipe given as a class among the injectables of the
      // handler's module: without an entry, the token is skipped.
      if (pipe) module.addInjectable({ provide: GatewayPayloadValidation, useValue: pipe }, 'pipe');
      else module.injectables.delete(GatewayPayloadValidation);
    }
  }
}
