/** One revocation, as stores publish it to every node. */
export type Revocation =
  | { readonly kind: 'user'; readonly userId: string; readonly untilMs: number }
  | { readonly kind: 'token'; readonly tokenId: string; readonly untilMs: number };

/**
 * Where revoked users and token ids are kept. The default keeps them in
 * this process; a shared store (Redis) publishes each revocation to every
 * node. `isRevoked` is asked on every connect and refresh and must answer
 * from local state: a shared store keeps a local copy fed by its
 * subscription.
 */
export interface RevocationStore {
  /** Refuses the user's sessions until `untilMs` (ms epoch). */
  revokeUser(userId: string, untilMs: number): Promise<void>;
  /** Refuses the token id (`jti`) until `untilMs` (ms epoch). */
  revokeToken(tokenId: string, untilMs: number): Promise<void>;
  isRevoked(userId: string, tokenId: string | undefined): boolean;
  /** Calls `listener` for every revocation, from this node or another; returns the unsubscribe. */
  subscribe(listener: (revocation: Revocation) => void): () => void;
}

/** Injection token of the `RevocationStore`. */
export const REVOCATION_STORE = Symbol('REVOCATION_STORE');
