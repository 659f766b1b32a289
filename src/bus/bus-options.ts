import { type RedisBusOptions } from './redis-bus-options.js';
import { type WsBus } from './ws-bus.interface.js';

/** Checks the `bus` option: a `WsBus`, and not together with `redis`. */
export function resolveBusOption(
  bus: WsBus | undefined,
  redis: RedisBusOptions | undefined,
): WsBus | undefined {
  if (bus === undefined) return undefined;
  const candidate = bus as Partial<WsBus> | null;
  if (
    typeof candidate?.publish !== 'function' ||
    typeof candidate.capabilities?.transport !== 'string'
  ) {
    throw new Error('SecureWsModule: "bus" must be a WsBus (publish, subscribe, capabilities...).');
  }
  if (redis !== undefined) throw new Error('SecureWsModule: set "bus" or "redis", not both.');
  return bus;
}
