/**
 * Connections by key (a user id, a token id), oldest first. A key with one
 * connection, the usual case, holds it as it is: a `Set` of one costs about
 * 150 B, and an idle server with a user and a token id per connection would
 * hold two of them per connection.
 */
export class ConnectionIndex<K, C extends object> {
  private readonly entries = new Map<K, C | Set<C>>();

  /** Keys with at least one connection. */
  keys(): K[] {
    return [...this.entries.keys()];
  }

  /** How many connections the key has. */
  count(key: K): number {
    const entry = this.entries.get(key);
    if (entry === undefined) return 0;
    return entry instanceof Set ? entry.size : 1;
  }

  /** The key's connections, oldest first: a copy, safe to close them while iterating. */
  list(key: K): C[] {
    const entry = this.entries.get(key);
    if (entry === undefined) return [];
    return entry instanceof Set ? [...entry] : [entry];
  }

  /** The key's oldest connection. */
  oldest(key: K): C | undefined {
    const entry = this.entries.get(key);
    return entry instanceof Set ? (entry.values().next().value as C) : entry;
  }

  add(key: K, connection: C): void {
    const entry = this.entries.get(key);
    if (entry === undefined) this.entries.set(key, connection);
    else if (entry instanceof Set) entry.add(connection);
    else if (entry !== connection) this.entries.set(key, new Set([entry, connection]));
  }

  /** Removes the connection from the key; a key left with one connection holds it as it is again. */
  delete(key: K | undefined, connection: C): void {
    if (key === undefined) return;
    const entry = this.entries.get(key);
    if (entry === connection) {
      this.entries.delete(key);
    } else if (entry instanceof Set && entry.delete(connection) && entry.size === 1) {
      this.entries.set(key, entry.values().next().value as C);
    }
  }
}
