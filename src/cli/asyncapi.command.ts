import { NestFactory } from '@nestjs/core';
import { type AsyncApiDocument } from '../asyncapi/asyncapi-document.js';
import { SecureWsAsyncApi } from '../asyncapi/secure-ws-asyncapi.service.js';
import { loadModule } from './load-module.js';

export interface AsyncApiCommandOptions {
  module: string;
  export?: string;
  host?: string;
  protocol?: 'ws' | 'wss';
}

/**
 * The AsyncAPI document of an app's root module, built as the app serves it,
 * from an application context: no port is opened, no gateway bound.
 */
export async function asyncApiOf(options: AsyncApiCommandOptions): Promise<AsyncApiDocument> {
  const module = await loadModule(options.module, options.export);
  const app = await NestFactory.createApplicationContext(module, {
    logger: false,
    abortOnError: false,
  });
  try {
    return app
      .get(SecureWsAsyncApi, { strict: false })
      .document({ host: options.host, protocol: options.protocol });
  } finally {
    await app.close();
  }
}
