import { createRequire } from 'node:module';
import type * as Ioredis from 'ioredis';

let loaded: typeof Ioredis | undefined;

/**
 * ioredis, loaded on first use. Loading it builds a function for each of
 * Redis's commands (about 8 MB allocated, a tenth of what a small app with
 * this module allocates until it listens); an app that makes no Redis
 * connection (no `redis` option, no `WsEmitter`) never loads it. Type
 * imports of ioredis cost nothing: only its values go through here.
 */
export function ioredis(): typeof Ioredis {
  loaded ??= createRequire(import.meta.url)('ioredis') as typeof Ioredis;
  return loaded;
}
