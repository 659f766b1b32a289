import { type Logger } from 'pino';
import { type ExpiringEntry, type WsBus } from '../bus/ws-bus.interface.js';
import { RevocationList } from './revocation-list.js';
import { type Revocation, type RevocationStore } from './revocation-store.interface.js';

/** Bus topic of revocations, and the expiring sets that remember them. */
const TOPIC = 'auth.revocations';
const REVOKED_USERS = 'auth.revoked-users';
const REVOKED_TOKENS = 'auth.revoked-tokens';

/**
 * Revocations on the `WsBus`: a revocation on one node is published to every
 * node (each closes its connections of that user or token id) and kept in an
 * expiring set, so that a node started later, or one that missed it during a
 * transport outage, loads it. Chosen when the bus's state is shared
 * (`bus.capabilities.shared`). `isRevoked` answers from this node's copy.
 */
export class BusRevocationStore implements RevocationStore {
  private readonly list = new RevocationList();
  /** Revocations made here while the bus was degraded: published again when it is back. */
  private unsent: Revocation[] = [];

  constructor(
    private readonly bus: WsBus,
    private readonly logger: Logger,
  ) {
    // For the app's life: the bus closes with it.
    bus.subscribe(TOPIC, (message) => this.apply(JSON.parse(message)));
    bus.onResume(() => this.resume());
    void this.load();
  }

  async revokeUser(userId: string, untilMs: number): Promise<void> {
    this.publish({ kind: 'user', userId, untilMs });
    await this.bus.expiring.add(REVOKED_USERS, userId, untilMs);
  }

  async revokeToken(tokenId: string, untilMs: number): Promise<void> {
    this.publish({ kind: 'token', tokenId, untilMs });
    await this.bus.expiring.add(REVOKED_TOKENS, tokenId, untilMs);
  }

  /** To every node now (this one at once); again when the bus is back, if it is degraded. */
  private publish(revocation: Revocation): void {
    if (!this.bus.isHealthy()) this.unsent.push(revocation);
    this.bus.publish(TOPIC, JSON.stringify(revocation));
  }

  /** The bus is up again: send what could not go, and load what was missed. */
  private resume(): void {
    const unsent = this.unsent;
    this.unsent = [];
    for (const revocation of unsent) {
      if (revocation.untilMs > Date.now()) this.bus.publish(TOPIC, JSON.stringify(revocation));
    }
    void this.load();
  }

  isRevoked(userId: string, tokenId: string | undefined): boolean {
    return this.list.isRevoked(userId, tokenId);
  }

  subscribe(listener: (revocation: Revocation) => void): () => void {
    return this.list.subscribe(listener);
  }

  /** Records a revocation this node did not know (or knew for a shorter time) and tells the listeners. */
  private apply(revocation: Revocation): void {
    if (!this.list.record(revocation)) return;
    this.list.notify(revocation, (error) =>
      this.logger.error({ err: error }, 'Revocation listener failed'),
    );
  }

  /** Loads the revocations kept on the bus: at start, and after an outage. */
  private async load(): Promise<void> {
    try {
      const [users, tokens] = await Promise.all([
        this.bus.expiring.list(REVOKED_USERS),
        this.bus.expiring.list(REVOKED_TOKENS),
      ]);
      const asUser = ({ member, untilMs }: ExpiringEntry): Revocation => ({
        kind: 'user',
        userId: member,
        untilMs,
      });
      const asToken = ({ member, untilMs }: ExpiringEntry): Revocation => ({
        kind: 'token',
        tokenId: member,
        untilMs,
      });
      for (const revocation of [...users.map(asUser), ...tokens.map(asToken)]) {
        this.apply(revocation);
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'Loading revocations failed');
    }
  }
}
