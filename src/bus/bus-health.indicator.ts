import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { type HealthIndicator } from '../health/health-indicator.interface.js';
import { SecureWsHealth } from '../health/secure-ws-health.js';
import { WsBus } from './ws-bus.interface.js';

/** The readiness check of a bus with a transport: `down` (with its details) while it is degraded. */
export function busHealthIndicator(bus: WsBus): HealthIndicator {
  return {
    name: bus.capabilities.transport,
    check: () => {
      const { status, ...details } = bus.health();
      return { ...details, status: status === 'up' ? 'up' : 'down', state: status };
    },
  };
}

/** Adds the bus to `GET /health`, named by its transport, when it has one; the in-memory bus is always up. */
@Injectable()
export class WsBusHealth implements OnModuleInit {
  constructor(
    @Inject(WsBus) private readonly bus: WsBus,
    private readonly health: SecureWsHealth,
  ) {}

  onModuleInit(): void {
    if (this.bus.capabilities.transport !== 'memory')
      this.health.register(busHealthIndicator(this.bus));
  }
}
