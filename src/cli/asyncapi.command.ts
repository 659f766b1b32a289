import { type DynamicModule, type Type } from '@nestjs/common';
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
export async function asyncApiOfModule(
  module: Type | DynamicModule,
  server: { host?: string; protocol?: 'ws' | 'wss' } = {},
): Promise<AsyncApiDocument> {
  const app = await NestFactory.createApplicationContext(module, {
    logger: false,
    abortOnError: false,
  });
  try {
    return app.get(SecureWsAsyncApi, { strict: false }).document(server);
  } finally {
    await app.close();
  }
}

/** `nestjs-secure-ws asyncapi --module <file>`: the document of the module that file exports. */
export async function asyncApiOf(options: AsyncApiCommandOptions): Promise<AsyncApiDocument> {
  const module = await loadModule(options.module, options.export);
  return asyncApiOfModule(module, { host: options.host, protocol: options.protocol });
}
