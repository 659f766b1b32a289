import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type TLSSocket } from 'node:tls';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { type ResolvedSecureWsOptions } from '../options/secure-ws-options.interface.js';
import { SECURE_WS_OPTIONS } from '../options/secure-ws-options.token.js';
import { SecureWsAsyncApi } from './secure-ws-asyncapi.service.js';

/**
 * Serves the AsyncAPI document at `asyncapi.path`, when set. Routes added in
 * `onModuleInit` come after the app's controllers and before Nest's 404 handler.
 */
@Injectable()
export class AsyncApiRoute implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly asyncApi: SecureWsAsyncApi,
    @Inject(SECURE_WS_OPTIONS) private readonly options: ResolvedSecureWsOptions,
  ) {
    const path = options.asyncapi?.path;
    if (path !== undefined && (typeof path !== 'string' || !path.startsWith('/'))) {
      throw new Error(
        `SecureWsModule: "asyncapi.path" must be an HTTP path starting with "/", got ${JSON.stringify(path)}.`,
      );
    }
  }

  onModuleInit(): void {
    const path = this.options.asyncapi?.path;
    const http = this.adapterHost.httpAdapter;
    if (!path || !http) return;
    http.get(path, (request: IncomingMessage, response: ServerResponse) => {
      const encrypted = (request.socket as TLSSocket).encrypted === true;
      const document = this.asyncApi.document({
        host: request.headers.host,
        protocol: encrypted ? 'wss' : 'ws',
      });
      http.reply(response, document, 200);
    });
  }
}
