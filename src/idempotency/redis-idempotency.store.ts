import { setTimeout as sleep } from 'node:timers/promises';
import { type Redis } from 'ioredis';
import { type IdempotencyRecord, type IdempotencyStore } from './idempotency-store.interface.js';

/** Sets the claim unless the key exists; answers the existing value, or nothing when it claimed. */
const CLAIM_SCRIPT = `
local existing = redis.call('GET', KEYS[1])
if existing then return existing end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return false`;

const POLL_MS = 25;

/**
 * Keys in Redis, shared by every node: `<prefix>i:<key>` holds the record,
 * first as a claim (`{ event }`, expiring after the claim timeout), then
 * with its outcome (expiring after the window). Waiters poll it. Every
 * command fails at once while Redis is away (the bus's command connection
 * queues nothing); the caller answers UNAVAILABLE.
 */
export class RedisIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
  ) {}

  private keyOf(key: string): string {
    return `${this.keyPrefix}i:${key}`;
  }

  async claim(key: string, event: string, claimMs: number): Promise<IdempotencyRecord | undefined> {
    const claim: IdempotencyRecord = { event };
    const existing = (await this.redis.eval(
      CLAIM_SCRIPT,
      1,
      this.keyOf(key),
      JSON.stringify(claim),
      claimMs,
    )) as string | null;
    return existing ? (JSON.parse(existing) as IdempotencyRecord) : undefined;
  }

  async complete(key: string, record: IdempotencyRecord, windowMs: number): Promise<void> {
    await this.redis.set(this.keyOf(key), JSON.stringify(record), 'PX', windowMs);
  }

  async settled(key: string, timeoutMs: number): Promise<IdempotencyRecord | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const raw = await this.redis.get(this.keyOf(key));
      if (raw === null) return undefined;
      const record = JSON.parse(raw) as IdempotencyRecord;
      if (record.outcome) return record;
      await sleep(POLL_MS);
    }
    return undefined;
  }
}
