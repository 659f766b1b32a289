import { SecureWsMetrics } from './secure-ws-metrics.js';

/** The metrics plugin (see `SecureWsMetrics`). */
export const metricsPlugins = [SecureWsMetrics];

export const metricsProviders = [...metricsPlugins];
