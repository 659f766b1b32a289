import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnModuleDestroy,
} from '@nestjs/common';
import { ConnectionRegistry } from '../connection/connection-registry.js';
import { resolveRootLogger } from '../logging/root-logger.js';
import { type ResolvedSecureWsOptions } from '../options/secure-ws-options.interface.js';
import { SECURE_WS_OPTIONS } from '../options/secure-ws-options.token.js';
import { GracefulShutdown } from './graceful-shutdown.js';

/**
 * One log line when the app has shut down: how many clients were connected
 * when shutdown began, how many are still open (0 unless a socket outlived
 * the drain deadline), and how long it took.
 */
@Injectable()
export class ShutdownLog implements OnModuleDestroy, BeforeApplicationShutdown {
  private started: number | undefined;
  private clients = 0;

  constructor(
    @Inject(SECURE_WS_OPTIONS) private readonly options: ResolvedSecureWsOptions,
    private readonly registry: ConnectionRegistry,
    // Depending on it makes Nest run this hook before GracefulShutdown's, which drains.
    readonly _drainsAfterThis: GracefulShutdown,
  ) {}

  onModuleDestroy(): void {
    this.started = Date.now();
    this.clients = this.registry.size;
  }

  beforeApplicationShutdown(): void {
    if (this.started === undefined) return;
    resolveRootLogger(this.options.logger).info(
      { clients: this.clients, open: this.registry.size, durationMs: Date.now() - this.started },
      'WebSocket shutdown complete',
    );
  }
}
