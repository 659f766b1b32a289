import { type Revocation } from './revocation-store.interface.js';

/**
 * This process's copy of the revocations in force, and who to tell about
 * them. Lapsed entries are dropped as they are met and whenever one is added,
 * so that revoking many ids does not grow memory for ever.
 */
export class RevocationList {
  private readonly users = new Map<string, number>();
  private readonly tokens = new Map<string, number>();
  private readonly listeners = new Set<(revocation: Revocation) => void>();

  /** Keeps the revocation; `false` when it was already known for as long, or has lapsed. */
  record(revocation: Revocation): boolean {
    const [entries, key] =
      revocation.kind === 'user'
        ? [this.users, revocation.userId]
        : [this.tokens, revocation.tokenId];
    if ((entries.get(key) ?? 0) >= revocation.untilMs || revocation.untilMs <= Date.now()) {
      return false;
    }
    entries.set(key, revocation.untilMs);
    this.prune();
    return true;
  }

  /** Tells every listener; one that throws is reported to `onError` and does not stop the others. */
  notify(revocation: Revocation, onError: (error: unknown) => void): void {
    for (const listener of this.listeners) {
      try {
        listener(revocation);
      } catch (error) {
        onError(error);
      }
    }
  }

  isRevoked(userId: string, tokenId: string | undefined): boolean {
    return (
      this.active(this.users, userId) ||
      (tokenId !== undefined && this.active(this.tokens, tokenId))
    );
  }

  subscribe(listener: (revocation: Revocation) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private active(entries: Map<string, number>, key: string): boolean {
    const until = entries.get(key);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    entries.delete(key);
    return false;
  }

  private prune(): void {
    const now = Date.now();
    for (const entries of [this.users, this.tokens]) {
      for (const [key, until] of entries) if (until <= now) entries.delete(key);
    }
  }
}
