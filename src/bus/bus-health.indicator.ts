import { type WsBus } from './ws-bus.interface.js';

/** The readiness check of a bus: `down` (with its details) while it is degraded. */
export function busHealthIndicator(bus: WsBus) {
  return {
    name: 'redis',
    check: () => {
      const { status, ...details } = bus.health();
      return {
        status: status === 'up' ? ('up' as const) : ('down' as const),
        state: status,
        ...details,
      };
    },
  };
}
