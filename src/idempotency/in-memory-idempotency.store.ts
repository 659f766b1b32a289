import { type IdempotencyRecord, type IdempotencyStore } from './idempotency-store.interface.js';

interface Entry {
  record: IdempotencyRecord;
  expiresAt: number;
  waiters?: Array<(record: IdempotencyRecord | undefined) => void>;
}

/**
 * Keys in this process: at most `maxKeys`, the oldest forgotten first, each
 * gone once its claim or window has passed. Enough for one node.
 */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxKeys: number) {}

  get size(): number {
    return this.entries.size;
  }

  async claim(key: string, event: string, claimMs: number): Promise<IdempotencyRecord | undefined> {
    const now = Date.now();
    const existing = this.entries.get(key);
    if (existing && existing.expiresAt > now) return existing.record;
    if (existing) this.forget(key, existing);
    this.evict(now);
    this.entries.set(key, { record: { event }, expiresAt: now + claimMs });
    return undefined;
  }

  async complete(key: string, record: IdempotencyRecord, windowMs: number): Promise<void> {
    const existing = this.entries.get(key);
    // Re-inserted: the Map's order stays the order of expiry.
    this.entries.delete(key);
    this.entries.set(key, { record, expiresAt: Date.now() + windowMs });
    for (const waiter of existing?.waiters ?? []) waiter(record);
  }

  settled(key: string, timeoutMs: number): Promise<IdempotencyRecord | undefined> {
    const entry = this.entries.get(key);
    if (!entry) return Promise.resolve(undefined);
    if (entry.record.outcome) return Promise.resolve(entry.record);
    return new Promise((resolve) => {
      entry.waiters ??= [];
      const waiters = entry.waiters;
      const timer = setTimeout(
        () => {
          waiters.splice(waiters.indexOf(waiter), 1);
          resolve(undefined);
        },
        Math.min(timeoutMs, Math.max(entry.expiresAt - Date.now(), 0)),
      );
      const waiter = (record: IdempotencyRecord | undefined) => {
        clearTimeout(timer);
        resolve(record);
      };
      waiters.push(waiter);
    });
  }

  /** Drops expired keys from the front, then the oldest while over the cap. */
  private evict(now: number): void {
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt > now && this.entries.size < this.maxKeys) break;
      this.forget(key, entry);
    }
  }

  private forget(key: string, entry: Entry): void {
    this.entries.delete(key);
    for (const waiter of entry.waiters ?? []) waiter(undefined);
  }
}
