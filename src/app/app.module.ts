import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { type Logger } from 'pino';
import { JwtVerifier } from '../auth/jwt-verifier.js';
import { resolveAuthOptions } from '../auth/resolve-auth-options.js';
import { HealthController } from '../health/health.controller.js';
import { MetricsController } from '../metrics/metrics.controller.js';
import { SecureWsModule } from '../secure-ws.module.js';
import { type AppConfig } from './config.js';
import { CounterService } from './counter.service.js';
import { DemoModule } from './demo/demo.module.js';
import { ChatGateway } from './gateways/chat.gateway.js';
import { DeliveryGateway } from './gateways/delivery.gateway.js';
import { RoomsGateway } from './gateways/rooms.gateway.js';
import { SeedEchoGateway } from './gateways/seed-echo.gateway.js';
import { SEED_JWT_VERIFIER, SeedSecureGateway } from './gateways/seed-secure.gateway.js';

export const APP_CONFIG = Symbol('APP_CONFIG');

/** The title and version of the reference app's AsyncAPI document (`GET /asyncapi.json`). */
export const REFERENCE_APP_INFO = { title: 'nestjs-secure-ws reference app', version: '0.1.0' };

/** The reference application, built from its config. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig & { jwtSecret: string }, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot({ pinoHttp: { logger, autoLogging: false } }),
        SecureWsModule.forRoot({
          logger,
          listeners: [
            { port: config.seedEchoPort, host: config.host, path: '/seed/echo', tls: config.tls },
            {
              port: config.seedSecurePort,
              host: config.host,
              path: '/seed/secure',
              tls: config.tls,
            },
          ],
          auth: { secret: config.jwtSecret },
          protection: config.protection,
          preAuth: config.preAuth,
          metrics: { defaultMetrics: true },
          // Metrics and detailed health on an internal address; only /health/live is public.
          operations: config.ops,
          redis: config.redisUrl ? { url: config.redisUrl } : undefined,
          history: config.history,
          asyncapi: { path: '/asyncapi.json', info: REFERENCE_APP_INFO },
        }),
        // Development tokens for the demo page, never in production.
        DemoModule.forRoot({
          devTokenSecret: config.nodeEnv === 'production' ? undefined : config.jwtSecret,
        }),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        {
          provide: SEED_JWT_VERIFIER,
          useValue: new JwtVerifier(
            resolveAuthOptions({
              secret: config.jwtSecret,
              subjectClaim: 'user_id',
              // The seed guide's tokens may carry a numeric user id.
              numericSubject: true,
            }),
          ),
        },
        ChatGateway,
        RoomsGateway,
        CounterService,
        DeliveryGateway,
        SeedEchoGateway,
        SeedSecureGateway,
      ],
    };
  }
}
