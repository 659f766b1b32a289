import { type Provider } from '@nestjs/common';
import { Redis } from 'ioredis';
import { WsBus } from '../bus/ws-bus.interface.js';
import { type ResolvedSecureWsOptions } from '../options/secure-ws-options.interface.js';
import { SECURE_WS_OPTIONS } from '../secure-ws.module-definition.js';
import { IdempotencyPlugin } from './idempotency.plugin.js';
import { IDEMPOTENCY_STORE, type IdempotencyStore } from './idempotency-store.interface.js';
import { InMemoryIdempotencyStore } from './in-memory-idempotency.store.js';
import { RedisIdempotencyStore } from './redis-idempotency.store.js';

/** A bus that shares a Redis client and its key prefix (the `RedisBus` does). */
interface RedisBacked {
  readonly redis: Redis;
  readonly keyPrefix: string;
}

function redisBacked(bus: object): bus is RedisBacked {
  const candidate = bus as Partial<RedisBacked>;
  return candidate.redis instanceof Redis && typeof candidate.keyPrefix === 'string';
}

/** Where keys live: in Redis when the bus is on Redis (every node shares them), else in this process. */
export function idempotencyStoreFor(
  bus: object,
  options: ResolvedSecureWsOptions,
): IdempotencyStore {
  return redisBacked(bus)
    ? new RedisIdempotencyStore(bus.redis, bus.keyPrefix)
    : new InMemoryIdempotencyStore(options.idempotency.maxKeys);
}

export const idempotencyProviders: Provider[] = [
  {
    provide: IDEMPOTENCY_STORE,
    useFactory: idempotencyStoreFor,
    inject: [WsBus, SECURE_WS_OPTIONS],
  },
  IdempotencyPlugin,
];

export const idempotencyPlugins = [IdempotencyPlugin];
