import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { ConnectionRegistry } from '../connection/connection-registry.js';
import { type ResolvedSecureWsOptions } from '../options/secure-ws-options.interface.js';
import { SECURE_WS_OPTIONS } from '../options/secure-ws-options.token.js';

import { within } from '../util/within.js';

/**
 * On app shutdown: refuse new upgrades (503), let in-flight handlers finish,
 * tell every client SHUTTING_DOWN and close 1001, wait for close handshakes
 * and disconnect hooks, and terminate what is left at the deadline.
 */
@Injectable()
export class GracefulShutdown implements OnModuleDestroy {
  constructor(
    @Inject(SECURE_WS_OPTIONS) private readonly options: ResolvedSecureWsOptions,
    private readonly registry: ConnectionRegistry,
  ) {}

  async onModuleDestroy(): Promise<void> {
    const deadline = Date.now() + this.options.drainTimeoutMs;
    this.registry.shuttingDown = true;
    const connections = [...this.registry.all()];
    for (const connection of connections) connection.drain();
    await within(this.registry.whenEmpty(), deadline - Date.now(), undefined, true);
    for (const connection of this.registry.all()) connection.cut();
    // Terminated sockets report their close (and run disconnect hooks) a tick later.
    await within(this.registry.whenEmpty(), deadline - Date.now(), undefined, true);
    await within(
      Promise.all(connections.map((connection) => connection.disconnected)),
      deadline - Date.now(),
      undefined,
      true,
    );
  }
}
