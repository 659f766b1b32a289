import { createRequire } from 'node:module';
import type * as Ioredis from 'ioredis';

let loaded: typeof Ioredis | undefined;

/**
 * ioredis, loaded on first use. Loading it builds a function for each of
 * Redis's commands (about 6 MB allocated, more than the rest of the
 * module's own code); an app without Redis (the in-process bus, no Redis
 * history or idempotency store) never loads it. Type imports of ioredis
 * are free: only its values go through here.
 */
export function ioredis(): typeof Ioredis {
  loaded ??= createRequire(import.meta.url)('ioredis') as typeof Ioredis;
  return loaded;
}
