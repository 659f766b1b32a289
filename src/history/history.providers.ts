import { type Provider } from '@nestjs/common';
import { WsBus } from '../bus/ws-bus.interface.js';
import { type ResolvedSecureWsOptions } from '../options/secure-ws-options.interface.js';
import { SECURE_WS_OPTIONS } from '../options/secure-ws-options.token.js';
import { type HistoryStore, WsHistoryStore } from './history-store.interface.js';
import { InMemoryHistoryStore } from './in-memory-history.store.js';
import { RedisHistoryStore } from './redis-history.store.js';

/**
 * The history store the bus allows: in Redis when the bus offers its Redis
 * (`capabilities.redis`: offsets shared by every node); in this process
 * when the bus is this process's alone; none with another bus across nodes
 * (each node would number a room's messages on its own): rooms then keep
 * no history.
 */
export function historyStoreFor(
  bus: WsBus,
  options: ResolvedSecureWsOptions,
): HistoryStore | undefined {
  const { redis, shared } = bus.capabilities;
  if (redis) {
    return new RedisHistoryStore(redis.client, redis.keyPrefix, undefined, redis.publisher);
  }
  if (shared) return undefined;
  return new InMemoryHistoryStore(bus, options.history);
}

export const historyProviders: Provider[] = [
  { provide: WsHistoryStore, useFactory: historyStoreFor, inject: [WsBus, SECURE_WS_OPTIONS] },
];
