import { type OutboundMessage } from '../frames/frame.js';

/** An error reply as it is kept for repeats. */
export interface StoredError {
  code: string;
  message: string;
  details?: unknown;
  retryAfterMs?: number;
  closeCode?: number;
}

/** What the first run answered. */
export interface IdempotentOutcome {
  /** Each reply the handler gave (none, one, or each value of an Observable). */
  replies: OutboundMessage[];
  /** The handler returned an Observable: repeats get a stream too. */
  stream?: boolean;
  /** The error the run ended with, after `replies`. */
  error?: StoredError;
  /** The outcome was over `maxReplyBytes`: not kept. */
  notKept?: boolean;
}

/** One key: the event it was first sent with, and its outcome once the run is done. */
export interface IdempotencyRecord {
  event: string;
  outcome?: IdempotentOutcome;
}

/**
 * Where idempotency keys live, shared by every node that should answer
 * repeats: in this process by default, in Redis when the bus is Redis.
 * Keys arrive already scoped (gateway, user) and hashed.
 */
export interface IdempotencyStore {
  /**
   * Claims `key` for a first run of `event`, until `claimMs` passes or the
   * run completes. `undefined`: the caller owns the run. Else the record
   * already there (running, or done).
   */
  claim(key: string, event: string, claimMs: number): Promise<IdempotencyRecord | undefined>;
  /** Stores the outcome of the run the caller claimed, kept for `windowMs`. */
  complete(key: string, record: IdempotencyRecord, windowMs: number): Promise<void>;
  /**
   * The record once its run is done; `undefined` when the claim lapsed
   * without an outcome or `timeoutMs` passed first.
   */
  settled(key: string, timeoutMs: number): Promise<IdempotencyRecord | undefined>;
}

/** Injection token of the `IdempotencyStore`. */
export const IDEMPOTENCY_STORE = Symbol('IDEMPOTENCY_STORE');
