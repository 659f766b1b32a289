import { checkPositiveIntegers } from '../util/positive-integer.js';
import { type WsBus } from './ws-bus.interface.js';

/** Share rooms, presence and revocations across nodes through one Redis. */
export interface RedisBusOptions {
  /** `redis://[:password@]host:port[/db]`, e.g. the reference app's `REDIS_URL`. */
  url: string;
  /**
   * Prefix of every key and channel the bus uses; apps sharing a Redis keep
   * apart by choosing different ones.
   * @default 'secure-ws:'
   */
  keyPrefix?: string;
  /**
   * A node that has not refreshed its heartbeat for this long is taken for
   * dead, and its presence entries are dropped. It refreshes every third of it.
   * @default 30000
   */
  presenceTtlMs?: number;
  /**
   * Longest pause between reconnection attempts while Redis is away.
   * @default 2000
   */
  maxReconnectDelayMs?: number;
  /**
   * When Redis leaves a command (a room message, presence, subscribe)
   * unanswered this long, its connection is ended and made again: every
   * command waiting on it fails, and callers go on with this node's view.
   * Checked every half of this, so a command fails between this and one and
   * a half times this after it was sent.
   * @default 2000
   */
  commandTimeoutMs?: number;
}

export type ResolvedRedisBusOptions = Required<RedisBusOptions>;

const DEFAULT_REDIS_BUS_OPTIONS = {
  keyPrefix: 'secure-ws:',
  presenceTtlMs: 30_000,
  maxReconnectDelayMs: 2000,
  commandTimeoutMs: 2000,
};

/** Fills the defaults of the `redis` option and checks it; `undefined` keeps the bus in memory. */
export function resolveRedisBusOptions(
  options: RedisBusOptions | undefined,
): ResolvedRedisBusOptions | undefined {
  if (options === undefined) return undefined;
  if (typeof options.url !== 'string' || !/^rediss?:\/\//.test(options.url)) {
    throw new Error('SecureWsModule: "redis.url" must be a redis:// or rediss:// URL.');
  }
  checkPositiveIntegers(
    'SecureWsModule',
    options,
    ['presenceTtlMs', 'maxReconnectDelayMs', 'commandTimeoutMs'],
    'redis.',
  );
  if (options.keyPrefix !== undefined && typeof options.keyPrefix !== 'string') {
    throw new Error('SecureWsModule: "redis.keyPrefix" must be a string.');
  }
  const defined = Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as RedisBusOptions;
  return { ...DEFAULT_REDIS_BUS_OPTIONS, ...defined };
}

// The bus options of the module, `redis` and `bus` (checked in bus-options.ts).
declare module '../options/secure-ws-options.interface.js' {
  interface SecureWsModuleOptions {
    /**
     * Share rooms, presence and revocations with every node on this Redis.
     * When absent, they stay in this process.
     * @default undefined
     */
    redis?: RedisBusOptions;
    /**
     * The bus to share rooms, presence and revocations through: any `WsBus`,
     * e.g. `new NatsBus({ servers })` or your own. The module closes it at
     * shutdown. Exclusive with `redis`. See docs/extending.md.
     * @default undefined (the `redis` option's bus, else in memory)
     */
    bus?: WsBus;
  }
  interface ResolvedSecureWsOptions {
    redis: ResolvedRedisBusOptions | undefined;
    bus: WsBus | undefined;
  }
}
