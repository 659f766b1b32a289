import { type Registry } from 'prom-client';

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
