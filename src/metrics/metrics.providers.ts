import { SecureWsMetrics } from './secure-ws-metrics.js';
import { ShutdownMetrics } from './shutdown-metrics.js';

/** The metrics plugin (see `SecureWsMetrics`). */
export const metricsPlugins = [SecureWsMetrics];

export const metricsProviders = [...metricsPlugins, ShutdownMetrics];
