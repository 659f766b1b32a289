import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { type Logger } from 'pino';
import { SecureWsModule } from '../secure-ws.module.js';
import { type AppConfig } from './config.js';
import { DemoModule } from './demo/demo.module.js';
import { ChatGateway } from './gateways/chat.gateway.js';
import { SeedEchoGateway } from './gateways/seed-echo.gateway.js';

export const APP_CONFIG = Symbol('APP_CONFIG');

/** The reference application, built from its config. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot({ pinoHttp: { logger, autoLogging: false } }),
        SecureWsModule.forRoot({
          logger,
          listeners: [{ port: config.seedEchoPort, host: config.host, path: '/seed/echo' }],
        }),
        DemoModule.forRoot(),
      ],
      providers: [{ provide: APP_CONFIG, useValue: config }, ChatGateway, SeedEchoGateway],
    };
  }
}
