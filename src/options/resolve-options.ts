import { resolveAuthOptions } from '../auth/resolve-auth-options.js';
import { resolveRedisBusOptions } from '../bus/redis-bus-options.js';
import { type WsBus } from '../bus/ws-bus.interface.js';
import { DEFAULT_SLOW_CONSUMER_TIMEOUT_MS } from '../connection/read-backpressure.js';
import { resolveHistoryOptions } from '../history/history-options.js';
import { checkPositiveInteger } from '../util/positive-integer.js';
import { resolveIdempotencyOptions } from './idempotency-options.js';
import { resolveOperationsOptions } from './operations-options.js';
import { resolvePreAuthOptions } from './pre-auth-options.js';
import {
  type ResolvedSecureWsOptions,
  type SecureWsModuleOptions,
} from './secure-ws-options.interface.js';

export const DEFAULT_OPTIONS: Omit<
  ResolvedSecureWsOptions,
  'logger' | 'auth' | 'redis' | 'bus' | 'preAuth' | 'idempotency' | 'history' | 'operations'
> = {
  maxPayload: 1024 * 1024,
  heartbeat: { intervalMs: 25_000 },
  maxJsonDepth: 32,
  maxJsonKeys: 1000,
  maxBadFrames: 20,
  badFrameWindowMs: 10_000,
  maxPendingFrames: 64,
  maxBufferedBytes: 4 * 1024 * 1024,
  slowConsumerTimeoutMs: DEFAULT_SLOW_CONSUMER_TIMEOUT_MS,
  drainTimeoutMs: 10_000,
  maxClientErrorLogsPerMinute: 10,
  maxRoomsPerConnection: 100,
  maxInflightPerConnection: 16,
  validateAllGateways: true,
  listeners: [],
  plugins: [],
  asyncapi: {},
};

const positiveInteger = (name: string, value: number | undefined) =>
  checkPositiveInteger(name, value);

/**
 * Merges the defaults into the user's options and checks every value, so
 * that a mistake stops the app at start-up with one sentence naming it.
 */
export function resolveOptions(options: SecureWsModuleOptions = {}): ResolvedSecureWsOptions {
  for (const name of [
    'maxPayload',
    'maxJsonDepth',
    'maxJsonKeys',
    'maxBadFrames',
    'badFrameWindowMs',
    'maxPendingFrames',
    'maxBufferedBytes',
    'slowConsumerTimeoutMs',
    'drainTimeoutMs',
    'maxClientErrorLogsPerMinute',
    'maxRoomsPerConnection',
    'maxInflightPerConnection',
  ] as const) {
    positiveInteger(name, options[name]);
  }
  if (options.heartbeat) positiveInteger('heartbeat.intervalMs', options.heartbeat.intervalMs);
  for (const [index, listener] of (options.listeners ?? []).entries()) {
    if (!Number.isInteger(listener.port) || listener.port < 0 || listener.port > 65_535) {
      throw new Error(
        `SecureWsModule: "listeners[${index}].port" must be a port number (0 to 65535).`,
      );
    }
    if (typeof listener.path !== 'string' || !listener.path.startsWith('/')) {
      throw new Error(
        `SecureWsModule: "listeners[${index}].path" must be a gateway path starting with "/".`,
      );
    }
  }
  if (options.bus !== undefined) {
    const bus = options.bus as Partial<WsBus> | null;
    if (typeof bus?.publish !== 'function' || typeof bus.capabilities?.transport !== 'string') {
      throw new Error(
        'SecureWsModule: "bus" must be a WsBus (publish, subscribe, capabilities...).',
      );
    }
    if (options.redis !== undefined) {
      throw new Error('SecureWsModule: set "bus" or "redis", not both.');
    }
  }
  for (const [index, plugin] of (options.plugins ?? []).entries()) {
    if (typeof plugin !== 'function' && (typeof plugin !== 'object' || plugin === null)) {
      throw new Error(`SecureWsModule: "plugins[${index}]" must be a plugin class or instance.`);
    }
  }
  const defined = Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as SecureWsModuleOptions;
  return {
    ...DEFAULT_OPTIONS,
    ...defined,
    logger: options.logger,
    auth: options.auth ? resolveAuthOptions(options.auth) : undefined,
    redis: resolveRedisBusOptions(options.redis),
    preAuth: resolvePreAuthOptions(options.preAuth, {
      maxPayload: options.maxPayload ?? DEFAULT_OPTIONS.maxPayload,
      maxBufferedBytes: options.maxBufferedBytes ?? DEFAULT_OPTIONS.maxBufferedBytes,
    }),
    bus: options.bus,
    idempotency: resolveIdempotencyOptions(options.idempotency),
    history: resolveHistoryOptions(options.history),
    operations: resolveOperationsOptions(options.operations),
    heartbeat:
      options.heartbeat === false ? false : { intervalMs: options.heartbeat?.intervalMs ?? 25_000 },
  };
}
