/** When and how often the client reconnects after an unexpected close. */
export interface ReconnectOptions {
  /** Delay before the first attempt. @default 500 */
  initialDelayMs?: number;
  /** Upper bound of any delay. @default 30000 */
  maxDelayMs?: number;
  /** Each failed attempt multiplies the delay by this. @default 2 */
  factor?: number;
  /** Share of each delay taken off at random (0: none, 1: full jitter). @default 0.5 */
  jitter?: number;
  /** Attempts in a row before giving up. @default Infinity */
  maxAttempts?: number;
}

export type ResolvedReconnectOptions = Required<ReconnectOptions>;

export function resolveReconnect(options: ReconnectOptions = {}): ResolvedReconnectOptions {
  return {
    initialDelayMs: options.initialDelayMs ?? 500,
    maxDelayMs: options.maxDelayMs ?? 30_000,
    factor: options.factor ?? 2,
    jitter: Math.min(1, Math.max(0, options.jitter ?? 0.5)),
    maxAttempts: options.maxAttempts ?? Number.POSITIVE_INFINITY,
  };
}

/** Exponential backoff with jitter: the delay before attempt number `attempt` (0-based). */
export function reconnectDelay(
  attempt: number,
  options: ResolvedReconnectOptions,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxDelayMs, options.initialDelayMs * options.factor ** attempt);
  return Math.round(ceiling * (1 - options.jitter * random()));
}
