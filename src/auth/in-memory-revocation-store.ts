import { RevocationList } from './revocation-list.js';
import { type Revocation, type RevocationStore } from './revocation-store.interface.js';

/** Revocations kept in this process: the default store. */
export class InMemoryRevocationStore implements RevocationStore {
  private readonly list = new RevocationList();

  async revokeUser(userId: string, untilMs: number): Promise<void> {
    this.revoke({ kind: 'user', userId, untilMs });
  }

  async revokeToken(tokenId: string, untilMs: number): Promise<void> {
    this.revoke({ kind: 'token', tokenId, untilMs });
  }

  isRevoked(userId: string, tokenId: string | undefined): boolean {
    return this.list.isRevoked(userId, tokenId);
  }

  subscribe(listener: (revocation: Revocation) => void): () => void {
    return this.list.subscribe(listener);
  }

  /** Every revocation asked for here is told, even one already in force: its sockets close again. */
  private revoke(revocation: Revocation): void {
    this.list.record(revocation);
    this.list.notify(revocation, (error) => {
      throw error;
    });
  }
}
