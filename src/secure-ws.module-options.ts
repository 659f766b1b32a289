import { resolveAuthOptions } from './auth/resolve-auth-options.js';
import { resolveBusOption } from './bus/bus-options.js';
import { resolveRedisBusOptions } from './bus/redis-bus-options.js';
import { resolveSlowConsumerTimeoutMs } from './connection/read-backpressure.js';
import { resolveHistoryOptions } from './history/history-options.js';
import { resolveMetricsOptions } from './metrics/metrics-options.interface.js';
import { resolveCoreOptions } from './options/resolve-options.js';
import {
  type ResolvedSecureWsOptions,
  type SecureWsModuleOptions,
} from './options/secure-ws-options.interface.js';
import { resolvePluginRefs } from './plugins/plugin-refs.js';
import { resolveProtectionOptions } from './protection/resolve-protection-options.js';

/**
 * The one place the module's options are resolved: the module's own, then
 * each feature's with its own resolver, every default filled in and every
 * value checked, so that a mistake stops the app at start-up with one
 * sentence naming it. Behind `SECURE_WS_OPTIONS`.
 */
export function resolveOptions(options: SecureWsModuleOptions = {}): ResolvedSecureWsOptions {
  // The core passes the features' options through; each is replaced by its resolved form below.
  const core = resolveCoreOptions(options);
  return {
    ...core,
    auth: options.auth ? resolveAuthOptions(options.auth) : undefined,
    redis: resolveRedisBusOptions(options.redis),
    bus: resolveBusOption(options.bus, options.redis),
    history: resolveHistoryOptions(options.history),
    metrics: resolveMetricsOptions(options.metrics),
    protection: resolveProtectionOptions(options.protection, options.auth !== undefined),
    plugins: resolvePluginRefs(options.plugins),
    slowConsumerTimeoutMs: resolveSlowConsumerTimeoutMs(options.slowConsumerTimeoutMs),
  };
}
