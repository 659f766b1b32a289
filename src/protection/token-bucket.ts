/** A refill rate and a capacity: `points` tokens every `durationMs`, at most `burst` saved up. */
export interface RateLimitRule {
  /** Tokens added every `durationMs`. */
  points: number;
  /** The period `points` refill over, in milliseconds. */
  durationMs: number;
  /** Most tokens that can be saved up (the largest burst). @default points */
  burst?: number;
}

/**
 * A token bucket checked synchronously on the hot path: no timers, no
 * promises, two numbers of state. `take()` answers 0 when a token was
 * taken, else the milliseconds until the next token.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly capacity: number;
  private readonly perMs: number;

  constructor(rule: RateLimitRule, now = performance.now()) {
    this.capacity = rule.burst ?? rule.points;
    this.perMs = rule.points / rule.durationMs;
    this.tokens = this.capacity;
    this.last = now;
  }

  take(now = performance.now()): number {
    const refilled = this.tokens + (now - this.last) * this.perMs;
    this.tokens = Math.min(refilled, this.capacity);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - this.tokens) / this.perMs));
  }
}
