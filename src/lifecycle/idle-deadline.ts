import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { ConnectionRegistry } from '../connection/connection-registry.js';
import { WsErrorCode } from '../errors/error-codes.js';
import { replyOf } from '../errors/error-mapper.js';
import { type ResolvedSecureWsOptions } from '../options/secure-ws-options.interface.js';
import { SECURE_WS_OPTIONS } from '../options/secure-ws-options.token.js';

/** How often the deadline is checked, as a share of it (at most once a second). */
const CHECKS_PER_DEADLINE = 10;

/**
 * Closes IDLE_TIMEOUT (1000) every connection without a session that has
 * sent no message for `preAuth.idleTimeoutMs`, on every gateway and
 * listener: an anonymous socket cannot be held for free. One timer for the
 * whole app.
 */
@Injectable()
export class IdleDeadline implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(SECURE_WS_OPTIONS) private readonly options: ResolvedSecureWsOptions,
    private readonly registry: ConnectionRegistry,
  ) {}

  onApplicationBootstrap(): void {
    const deadlineMs = this.options.preAuth.idleTimeoutMs;
    if (deadlineMs === false) return;
    const everyMs = Math.min(Math.ceil(deadlineMs / CHECKS_PER_DEADLINE), 1000);
    this.timer = setInterval(() => this.sweep(deadlineMs), everyMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  private sweep(deadlineMs: number): void {
    const oldest = performance.now() - deadlineMs;
    this.registry.forEach((connection) => {
      if (connection.session === undefined && connection.lastMessageAt < oldest) {
        connection.debug('No message from a connection without a session, closed');
        connection.closeWith(replyOf(WsErrorCode.IDLE_TIMEOUT));
      }
    });
  }
}
