import { type Provider } from '@nestjs/common';
import { type Redis } from 'ioredis';
import { WsBus } from '../bus/ws-bus.interface.js';
import { resolveRootLogger } from '../logging/root-logger.js';
import { type ResolvedSecureWsOptions } from '../options/secure-ws-options.interface.js';
import { SECURE_WS_OPTIONS } from '../secure-ws.module-definition.js';
import { type HistoryStore, WsHistoryStore } from './history-store.interface.js';
import { InMemoryHistoryStore } from './in-memory-history.store.js';
import { RedisHistoryStore } from './redis-history.store.js';

/** A bus that runs on Redis and lets stores share its connection (`RedisBus` does). */
export interface RedisBackedBus {
  readonly redisClient: Redis;
  readonly redisKeyPrefix: string;
}

function isRedisBacked(bus: unknown): bus is RedisBackedBus {
  const candidate = bus as Partial<RedisBackedBus> | null;
  return typeof candidate?.redisKeyPrefix === 'string' && candidate.redisClient !== undefined;
}

/**
 * The history store the bus allows: in Redis when the bus exposes its Redis
 * (offsets shared by every node), else in this process. With a bus across
 * nodes that is not Redis, each node would number a room's messages on its
 * own: that is logged at the first message stored; history needs Redis there.
 */
export function historyStoreFor(bus: WsBus, options: ResolvedSecureWsOptions): HistoryStore {
  if (isRedisBacked(bus)) return new RedisHistoryStore(bus.redisClient, bus.redisKeyPrefix);
  const transport = bus.health().transport;
  const acrossNodes = () =>
    resolveRootLogger(options.logger).warn(
      { transport },
      'Room history is kept per node with this bus: offsets are not shared across nodes (use Redis)',
    );
  return new InMemoryHistoryStore(
    bus,
    options.history,
    transport === 'memory' ? undefined : acrossNodes,
  );
}

export const historyProviders: Provider[] = [
  { provide: WsHistoryStore, useFactory: historyStoreFor, inject: [WsBus, SECURE_WS_OPTIONS] },
];
