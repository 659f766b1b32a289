/** One dependency's state, e.g. `{ status: 'up', latencyMs: 2 }`. */
export interface HealthIndicatorResult {
  status: 'up' | 'down';
  [detail: string]: unknown;
}

/**
 * Something readiness depends on (Redis, a database). Register one with
 * `SecureWsHealth.register(indicator)`, e.g. from a provider's `onModuleInit`.
 */
export interface HealthIndicator {
  /** The key of its result in the report, e.g. `redis`. */
  readonly name: string;
  /** Its state now; a throw, a rejection or no answer within the timeout counts as `down`. */
  check(): HealthIndicatorResult | Promise<HealthIndicatorResult>;
}

/** The report of `GET /health`, in the shape of `@nestjs/terminus`. */
export interface HealthReport {
  status: 'ok' | 'error';
  /** The process answers: always true while it can answer. */
  live: boolean;
  /** Ready for new connections: not shutting down and every indicator up. */
  ready: boolean;
  info: Record<string, HealthIndicatorResult>;
  error: Record<string, HealthIndicatorResult>;
  details: Record<string, HealthIndicatorResult>;
}
