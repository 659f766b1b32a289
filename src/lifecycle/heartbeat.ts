import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { ConnectionRegistry } from '../connection/connection-registry.js';
import { type ResolvedSecureWsOptions } from '../options/secure-ws-options.interface.js';
import { SECURE_WS_OPTIONS } from '../options/secure-ws-options.token.js';

/**
 * Pings every connection each interval; one that has not answered the
 * previous ping is cut. One timer for the whole app, not one per socket.
 */
@Injectable()
export class Heartbeat implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(SECURE_WS_OPTIONS) private readonly options: ResolvedSecureWsOptions,
    private readonly registry: ConnectionRegistry,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.options.heartbeat) return;
    this.timer = setInterval(() => this.beat(), this.options.heartbeat.intervalMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  private beat(): void {
    this.registry.forEach((connection) => {
      if (!connection.ping()) {
        connection.debug('Peer sent nothing since the last ping, cut');
        connection.cut();
      }
    });
  }
}
