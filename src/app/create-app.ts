import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { type Logger } from 'pino';
import { SecureWsAdapter } from '../adapter/secure-ws.adapter.js';
import { AppModule } from './app.module.js';
import { type AppConfig } from './config.js';
import { withJwtSecret } from './jwt-secret.js';

/** Builds the reference app, listening, with its WebSocket adapter and shutdown hooks. */
export async function createReferenceApp(
  config: AppConfig,
  logger: Logger,
): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(withJwtSecret(config, logger), logger), {
    bufferLogs: true,
    httpsOptions: config.tls,
  });
  app.useLogger(app.get(PinoNestLogger));
  app.useWebSocketAdapter(app.get(SecureWsAdapter));
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  return app;
}
