import { Inject, Injectable } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { gatewayClasses } from '../nest/gateway-classes.js';
import { type ResolvedSecureWsOptions } from '../options/secure-ws-options.interface.js';
import { SECURE_WS_OPTIONS } from '../options/secure-ws-options.token.js';
import { type AsyncApiDocument, buildAsyncApiDocument } from './asyncapi-document.js';
import { gatewayContract } from './gateway-contract.js';

const DEFAULT_INFO = { title: 'WebSocket API', version: '1.0.0' };
const DEFAULT_HOST = 'localhost:3000';
const MAX_HOST_LENGTH = 255;

/**
 * The AsyncAPI 3.0 document of every gateway the app registered, built from
 * the code: handlers, DTOs and Standard Schemas, `@Reply`, `@Push`, and the
 * module's own events, codes and authentication.
 */
@Injectable()
export class SecureWsAsyncApi {
  /** Built once: gateways do not change once the app is up. */
  private built: AsyncApiDocument | undefined;

  constructor(
    private readonly modules: ModulesContainer,
    @Inject(SECURE_WS_OPTIONS) private readonly options: ResolvedSecureWsOptions,
  ) {}

  /** The document; `server` gives the host and protocol when the options set none (e.g. the request's). */
  document(server: { host?: string; protocol?: 'ws' | 'wss' } = {}): AsyncApiDocument {
    const { asyncapi = {} } = this.options;
    this.built ??= this.build();
    const host = asyncapi.host ?? server.host?.slice(0, MAX_HOST_LENGTH) ?? DEFAULT_HOST;
    const protocol = asyncapi.protocol ?? server.protocol ?? 'ws';
    const servers = this.built.servers as { default: Record<string, unknown> };
    return { ...this.built, servers: { default: { ...servers.default, host, protocol } } };
  }

  private build(): AsyncApiDocument {
    const { asyncapi = {}, auth } = this.options;
    return buildAsyncApiDocument({
      gateways: [...new Set(gatewayClasses(this.modules).map(({ gateway }) => gateway))].map(
        gatewayContract,
      ),
      info: { ...DEFAULT_INFO, ...asyncapi.info },
      server: { host: DEFAULT_HOST, protocol: 'ws' },
      auth: auth ? { sources: auth.sources, firstMessage: auth.firstMessage } : undefined,
      toJsonSchema: asyncapi.toJsonSchema,
    });
  }
}
