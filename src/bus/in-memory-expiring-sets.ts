import { type ExpiringEntry, type WsExpiringSets } from './ws-bus.interface.js';

/** Expiring sets in this process: entries are dropped when read after they lapse. */
export class InMemoryExpiringSets implements WsExpiringSets {
  private readonly sets = new Map<string, Map<string, number>>();

  async add(set: string, member: string, untilMs: number): Promise<void> {
    this.put(set, member, untilMs);
  }

  /** Records an entry synchronously; a later `untilMs` wins. */
  put(set: string, member: string, untilMs: number): void {
    let entries = this.sets.get(set);
    if (!entries) {
      entries = new Map();
      this.sets.set(set, entries);
    }
    entries.set(member, Math.max(untilMs, entries.get(member) ?? 0));
  }

  async list(set: string): Promise<ExpiringEntry[]> {
    return this.live(set);
  }

  /** Entries that have not lapsed, synchronously. */
  live(set: string): ExpiringEntry[] {
    const entries = this.sets.get(set);
    if (!entries) return [];
    const now = Date.now();
    const live: ExpiringEntry[] = [];
    for (const [member, untilMs] of entries) {
      if (untilMs > now) live.push({ member, untilMs });
      else entries.delete(member);
    }
    return live;
  }

  /** Every set name with entries (lapsed or not). */
  names(): IterableIterator<string> {
    return this.sets.keys();
  }

  clear(): void {
    this.sets.clear();
  }
}
