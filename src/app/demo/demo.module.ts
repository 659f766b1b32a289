import { type DynamicModule, Module } from '@nestjs/common';
import { DemoController } from './demo.controller.js';

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
  static forRoot(_options: DemoModuleOptions = {}): DynamicModule {
    return { module: DemoModule, controllers: [DemoController] };
  }
}
