import { type DynamicModule, Module } from '@nestjs/common';
import { DemoController } from './demo.controller.js';
import { DEV_TOKEN_SECRET, DevTokenController } from './dev-token.controller.js';

export interface DemoModuleOptions {
  /**
   * Secret to sign development tokens with at `GET /dev/token`; leave it out
   * (always, in production) and that endpoint does not exist.
   * @default undefined
   */
  devTokenSecret?: string;
}

/** The demo chat page at `GET /`, and in development the token endpoint it signs in with. */
@Module({})
export class DemoModule {
  static forRoot(options: DemoModuleOptions = {}): DynamicModule {
    const secret = options.devTokenSecret;
    return {
      module: DemoModule,
      controllers: secret ? [DemoController, DevTokenController] : [DemoController],
      providers: secret ? [{ provide: DEV_TOKEN_SECRET, useValue: secret }] : [],
    };
  }
}
