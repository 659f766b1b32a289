import { Registry } from 'prom-client';

export interface MetricsOptions {
  /**
   * The prom-client registry to register the module's metrics in. Each app
   * gets its own new `Registry` by default (never the global one), so
   * several apps in one process do not collide.
   * @default new Registry()
   */
  registry?: Registry;
  /** Prefix of every metric name. @default 'secure_ws_' */
  prefix?: string;
  /** Also collect prom-client's standard process metrics (`process_*`, `nodejs_*`) in the registry. @default false */
  defaultMetrics?: boolean;
}

export type ResolvedMetricsOptions = Required<MetricsOptions>;

/** A Prometheus metric name prefix: letters, digits, `_` and `:`, not starting with a digit. */
const METRIC_PREFIX = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** Fills the defaults of the `metrics` option (a new registry per app) and checks it. */
export function resolveMetricsOptions(options: MetricsOptions = {}): ResolvedMetricsOptions {
  const { registry = new Registry(), prefix = 'secure_ws_', defaultMetrics = false } = options;
  // Duck-typed: a registry of another copy of prom-client is not an instance of this one's.
  if (typeof (registry as Partial<Registry> | null)?.registerMetric !== 'function') {
    throw new Error('SecureWsModule: "metrics.registry" must be a prom-client Registry.');
  }
  if (typeof prefix !== 'string' || !METRIC_PREFIX.test(prefix)) {
    throw new Error(
      `SecureWsModule: "metrics.prefix" must be a Prometheus name prefix (letters, digits, "_", ":"), got ${JSON.stringify(prefix)}.`,
    );
  }
  return { registry, prefix, defaultMetrics: defaultMetrics === true };
}

declare module '../options/secure-ws-options.interface.js' {
  interface SecureWsModuleOptions {
    /** Prometheus metrics: registry and prefix. @default { prefix: 'secure_ws_' } in a new Registry */
    metrics?: MetricsOptions;
  }
  interface ResolvedSecureWsOptions {
    metrics: ResolvedMetricsOptions;
  }
}
