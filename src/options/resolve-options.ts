import { checkPositiveInteger } from '../util/positive-integer.js';
import { resolveIdempotencyOptions } from './idempotency-options.js';
import { resolveOperationsOptions } from './operations-options.js';
import { resolvePreAuthOptions } from './pre-auth-options.js';
import {
  type ResolvedSecureWsOptions,
  type SecureWsCoreOptions,
} from './secure-ws-options.interface.js';

/** The module's own options, resolved (the features resolve theirs: secure-ws.module-options.ts). */
export type ResolvedCoreOptions = Pick<ResolvedSecureWsOptions, keyof SecureWsCoreOptions>;

export const DEFAULT_OPTIONS: Omit<
  ResolvedCoreOptions,
  'logger' | 'preAuth' | 'idempotency' | 'operations'
> = {
  maxPayload: 1024 * 1024,
  heartbeat: { intervalMs: 25_000 },
  maxJsonDepth: 32,
  maxJsonKeys: 1000,
  maxBadFrames: 20,
  badFrameWindowMs: 10_000,
  maxPendingFrames: 64,
  maxBufferedBytes: 4 * 1024 * 1024,
  drainTimeoutMs: 10_000,
  maxClientErrorLogsPerMinute: 10,
  maxRoomsPerConnection: 100,
  maxInflightPerConnection: 16,
  validateAllGateways: true,
  listeners: [],
  asyncapi: {},
};

/**
 * Merges the defaults into the module's own options and checks every value,
 * so that a mistake stops the app at start-up with one sentence naming it.
 */
export function resolveCoreOptions(options: SecureWsCoreOptions = {}): ResolvedCoreOptions {
  for (const name of [
    'maxPayload',
    'maxJsonDepth',
    'maxJsonKeys',
    'maxBadFrames',
    'badFrameWindowMs',
    'maxPendingFrames',
    'maxBufferedBytes',
    'drainTimeoutMs',
    'maxClientErrorLogsPerMinute',
    'maxRoomsPerConnection',
    'maxInflightPerConnection',
  ] as const) {
    checkPositiveInteger(name, options[name]);
  }
  if (options.heartbeat) checkPositiveInteger('heartbeat.intervalMs', options.heartbeat.intervalMs);
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
  const defined = Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as SecureWsCoreOptions;
  return {
    ...DEFAULT_OPTIONS,
    ...defined,
    logger: options.logger,
    preAuth: resolvePreAuthOptions(options.preAuth, {
      maxPayload: options.maxPayload ?? DEFAULT_OPTIONS.maxPayload,
      maxBufferedBytes: options.maxBufferedBytes ?? DEFAULT_OPTIONS.maxBufferedBytes,
    }),
    idempotency: resolveIdempotencyOptions(options.idempotency),
    operations: resolveOperationsOptions(options.operations),
    heartbeat:
      options.heartbeat === false ? false : { intervalMs: options.heartbeat?.intervalMs ?? 25_000 },
  };
}
