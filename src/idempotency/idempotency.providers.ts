import { type Provider } from '@nestjs/common';
import { WsBus } from '../bus/ws-bus.interface.js';
import { type ResolvedSecureWsOptions } from '../options/secure-ws-options.interface.js';
import { SECURE_WS_OPTIONS } from '../options/secure-ws-options.token.js';
import { IdempotencyPlugin } from './idempotency.plugin.js';
import { IDEMPOTENCY_STORE, type IdempotencyStore } from './idempotency-store.interface.js';
import { InMemoryIdempotencyStore } from './in-memory-idempotency.store.js';
import { RedisIdempotencyStore } from './redis-idempotency.store.js';

/**
 * Where keys live: in Redis when the bus offers its Redis connection
 * (`capabilities.redis`: every node shares the keys), else in this process.
 */
export function idempotencyStoreFor(
  bus: WsBus,
  options: ResolvedSecureWsOptions,
): IdempotencyStore {
  const redis = bus.capabilities.redis;
  return redis
    ? new RedisIdempotencyStore(redis.client, redis.keyPrefix)
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
