import { checkPositiveInteger } from '../util/positive-integer.js';
/** Requests that carry `idempotencyKey` (see docs/delivery-ordering-and-idempotency.md). */
export interface IdempotencyOptions {
  /**
   * How long a key's reply is kept: a repeat within it gets that reply and
   * the handler does not run again.
   * @default 300000 (5 minutes)
   */
  windowMs?: number;
  /**
   * How long a first run may hold its key before a repeat may run the
   * handler again (the node running it died, or the run hangs).
   * @default 60000
   */
  claimTimeoutMs?: number;
  /**
   * Largest stored reply (JSON, in bytes). A larger reply is delivered to the
   * first request, but repeats are answered BAD_REQUEST with
   * `details: { reason: 'REPLY_NOT_KEPT' }` and the handler does not run again.
   * @default 65536
   */
  maxReplyBytes?: number;
  /**
   * Keys kept by the in-process store (Redis expires its own); past it the
   * oldest are forgotten first.
   * @default 10000
   */
  maxKeys?: number;
}

export type ResolvedIdempotencyOptions = Required<IdempotencyOptions>;

const DEFAULT_IDEMPOTENCY_OPTIONS: ResolvedIdempotencyOptions = {
  windowMs: 5 * 60_000,
  claimTimeoutMs: 60_000,
  maxReplyBytes: 64 * 1024,
  maxKeys: 10_000,
};

/** Fills the defaults of the `idempotency` option and checks each value. */
export function resolveIdempotencyOptions(
  options: IdempotencyOptions = {},
): ResolvedIdempotencyOptions {
  const resolved = { ...DEFAULT_IDEMPOTENCY_OPTIONS };
  for (const name of Object.keys(DEFAULT_IDEMPOTENCY_OPTIONS) as Array<keyof IdempotencyOptions>) {
    const value = options[name];
    if (value === undefined) continue;
    checkPositiveInteger(`idempotency.${name}`, value);
    resolved[name] = value;
  }
  return resolved;
}
