import { Inject, Injectable, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { resolveRootLogger } from '../logging/root-logger.js';
import { type ResolvedSecureWsOptions } from '../options/secure-ws-options.interface.js';
import { SECURE_WS_OPTIONS } from '../options/secure-ws-options.token.js';
import { WsBusHealth } from './bus-health.indicator.js';
import { InMemoryBus } from './in-memory.bus.js';
import { RedisBus } from './redis.bus.js';
import { WsBus } from './ws-bus.interface.js';

/**
 * Closes the bus after the connections have drained (shutdown runs after
 * every destroy hook); a bus passed with the `bus` option is closed too.
 */
@Injectable()
export class WsBusLifecycle implements OnApplicationShutdown {
  constructor(@Inject(WsBus) private readonly bus: WsBus) {}

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
  }
}

/** `WsBus`: the `bus` option's, else Redis when the `redis` option is set, else in memory. */
export const busProviders: Provider[] = [
  {
    provide: WsBus,
    useFactory: (options: ResolvedSecureWsOptions): WsBus => {
      const root = resolveRootLogger(options.logger);
      if (options.bus) {
        options.bus.useLogger?.(root);
        return options.bus;
      }
      const logger = root.child({ component: 'ws-bus' });
      return options.redis ? new RedisBus(options.redis, logger) : new InMemoryBus(logger);
    },
    inject: [SECURE_WS_OPTIONS],
  },
  WsBusLifecycle,
  WsBusHealth,
];
