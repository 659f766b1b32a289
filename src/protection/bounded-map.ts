/**
 * A Map that holds at most `limit` entries, dropping the least recently
 * used one first: per-address and per-user state stays bounded under a
 * flood of distinct keys.
 */
export class BoundedMap<K, V> {
  private readonly entries = new Map<K, V>();
  /** The key set last, the newest in order: using it again moves nothing. */
  private newest: K | undefined;

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.entries.size;
  }

  /** The value of `key`, created by `create` when absent; marks it recently used. */
  getOrCreate(key: K, create: () => V): V {
    let value = this.entries.get(key);
    if (value === undefined) {
      value = create();
      if (this.entries.size >= this.limit) {
        const oldest = this.entries.keys().next();
        if (!oldest.done) this.entries.delete(oldest.value);
      }
    } else if (key === this.newest) {
      // Already last: a delete and a set would only leave a hole that makes the Map rehash.
      return value;
    } else {
      this.entries.delete(key);
    }
    this.entries.set(key, value);
    this.newest = key;
    return value;
  }
}
