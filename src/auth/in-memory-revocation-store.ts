import { type Revocation, type RevocationStore } from './revocation-store.interface.js';

/** Revocations kept in this process; expired entries are dropped as they are met. */
export class InMemoryRevocationStore implements RevocationStore {
  private readonly users = new Map<string, number>();
  private readonly tokens = new Map<string, number>();
  private readonly listeners = new Set<(revocation: Revocation) => void>();

  async revokeUser(userId: string, untilMs: number): Promise<void> {
    this.users.set(userId, Math.max(untilMs, this.users.get(userId) ?? 0));
    this.publish({ kind: 'user', userId, untilMs });
  }

  async revokeToken(tokenId: string, untilMs: number): Promise<void> {
    this.tokens.set(tokenId, Math.max(untilMs, this.tokens.get(tokenId) ?? 0));
    this.publish({ kind: 'token', tokenId, untilMs });
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

  private publish(revocation: Revocation): void {
    this.prune();
    for (const listener of this.listeners) listener(revocation);
  }

  /** Drops expired entries, so that revoking many ids does not grow memory for ever. */
  private prune(): void {
    const now = Date.now();
    for (const entries of [this.users, this.tokens]) {
      for (const [key, until] of entries) if (until <= now) entries.delete(key);
    }
  }
}
