import { type AddressInfo } from 'node:net';
import { type INestApplication, Module, type ModuleMetadata } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SecureWsAdapter } from '../adapter/secure-ws.adapter.js';
import { type SecureWsModuleOptions } from '../options/secure-ws-options.interface.js';
import { SecureWsModule } from '../secure-ws.module.js';
import { captureLogs, type LogCapture } from './log-capture.js';
import { type TestConnectOptions, WsTestClient } from './ws-test-client.js';

export interface TestAppOptions
  extends Pick<ModuleMetadata, 'imports' | 'providers' | 'controllers'> {
  /** Options of `SecureWsModule.forRoot`; leave out `module` to import it yourself. */
  module?: SecureWsModuleOptions | false;
  /** Port to listen on, e.g. the port of an app closed earlier, to test reconnects. @default 0 (a free port) */
  port?: number;
}

export interface TestApp {
  readonly app: INestApplication;
  readonly logs: LogCapture;
  readonly port: number;
  /** `ws://127.0.0.1:<port><path>` */
  url(path?: string): string;
  /** A client on `path`; `{ token }` sends `Authorization: Bearer <token>`. */
  connect(path?: string, options?: TestConnectOptions): Promise<WsTestClient>;
  close(): Promise<void>;
}

/** The root module of a test app; `createTestApp` fills it in. */
@Module({})
class TestAppRoot {}

/**
 * Boots a Nest app with the module's adapter on a free loopback port, its
 * logs captured in memory.
 */
export async function createTestApp(options: TestAppOptions): Promise<TestApp> {
  const logs = captureLogs();
  const moduleImports =
    options.module === false
      ? []
      : [SecureWsModule.forRoot({ logger: logs.logger, ...options.module })];
  // NestFactory, not @nestjs/testing: the kit needs nothing users may not have installed.
  const app = await NestFactory.create(
    {
      module: TestAppRoot,
      imports: [...moduleImports, ...(options.imports ?? [])],
      providers: options.providers ?? [],
      controllers: options.controllers ?? [],
    },
    // abortOnError false: a failing bootstrap rejects here instead of exiting the process.
    { logger: false, abortOnError: false },
  );
  app.useWebSocketAdapter(app.get(SecureWsAdapter));
  await app.listen(options.port ?? 0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const url = (path = '/') => `ws://127.0.0.1:${port}${path}`;
  const clients: WsTestClient[] = [];
  return {
    app,
    logs,
    port,
    url,
    async connect(path, clientOptions) {
      const client = await WsTestClient.connect(url(path), clientOptions);
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) client.terminate();
      await app.close();
    },
  };
}
