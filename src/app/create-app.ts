import { type Server } from 'node:http';
import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { type Logger } from 'pino';
import { SecureWsAdapter } from '../adapter/secure-ws.adapter.js';
import { AppModule } from './app.module.js';
import { type AppConfig } from './config.js';
import { withJwtSecret } from './jwt-secret.js';

/** How long a client may take to send its request (Slowloris defence). */
export interface HttpTimeouts {
  /** Whole header block, including an upgrade request's. @default 10000 */
  headersTimeoutMs: number;
  /** Whole request; upgraded sockets are no longer subject to it. @default 30000 */
  requestTimeoutMs: number;
  /** How often Node checks the two above. @default 1000 */
  checkIntervalMs: number;
}

export const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  checkIntervalMs: 1000,
};

/** Builds the reference app, listening, with its WebSocket adapter and shutdown hooks. */
export async function createReferenceApp(
  config: AppConfig,
  logger: Logger,
  httpTimeouts: HttpTimeouts = DEFAULT_HTTP_TIMEOUTS,
): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(withJwtSecret(config, logger), logger), {
    bufferLogs: true,
    httpsOptions: config.tls,
  });
  app.useLogger(app.get(PinoNestLogger));
  // No framework banner (`X-Powered-By: Express`) for anyone to read.
  (app.getHttpAdapter().getInstance() as { disable(name: string): void }).disable('x-powered-by');
  app.useWebSocketAdapter(app.get(SecureWsAdapter));
  app.enableShutdownHooks();
  // Node applies these at 'listening', so they are set before listen().
  const server = app.getHttpServer() as Server & { connectionsCheckingInterval: number };
  server.headersTimeout = httpTimeouts.headersTimeoutMs;
  server.requestTimeout = httpTimeouts.requestTimeoutMs;
  server.connectionsCheckingInterval = httpTimeouts.checkIntervalMs;
  await app.listen(config.port, config.host);
  return app;
}
