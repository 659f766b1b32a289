import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnModuleInit,
} from '@nestjs/common';
import { Gauge } from 'prom-client';
import { type ResolvedSecureWsOptions } from '../options/secure-ws-options.interface.js';
import { SECURE_WS_OPTIONS } from '../options/secure-ws-options.token.js';
import { SecureWsMetrics } from './secure-ws-metrics.js';

/**
 * `secure_ws_shutdown_seconds`: how long the app has been shutting down
 * (draining connections), 0 while it serves. `/metrics` answers until the
 * HTTP server closes, so a drain that hangs is seen (and alerted on).
 */
@Injectable()
export class ShutdownMetrics implements OnModuleInit, BeforeApplicationShutdown {
  private startedAt: number | undefined;

  constructor(
    @Inject(SECURE_WS_OPTIONS) private readonly options: ResolvedSecureWsOptions,
    private readonly metrics: SecureWsMetrics,
  ) {}

  onModuleInit(): void {
    const prefix = this.options.metrics.prefix;
    const shutdown = this;
    new Gauge({
      name: `${prefix}shutdown_seconds`,
      help: 'Seconds since the app began shutting down (draining connections); 0 while it serves.',
      registers: [this.metrics.registry],
      collect() {
        const started = shutdown.startedAt;
        this.set(started === undefined ? 0 : (Date.now() - started) / 1000);
      },
    });
  }

  beforeApplicationShutdown(): void {
    this.startedAt ??= Date.now();
  }
}
