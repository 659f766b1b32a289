/** Who is on the other end of a connection, once authenticated. */
export interface WsSession {
  readonly userId: string;
  /** The verified token's claims. */
  readonly claims: Readonly<Record<string, unknown>>;
  /** When the session ends unless refreshed, in ms since the epoch. */
  readonly expiresAt: number | undefined;
  /** The token's `jti`, when it has one. */
  readonly tokenId: string | undefined;
}

/**
 * What keeps a session's time (its `session.expiring` notice and its
 * expiry): made and armed by the session registry, held by the connection
 * (one field, not an entry per connection in a map of the registry's).
 */
export interface SessionClock {
  /** (Re)arms it for a session ending at `expiresAt`; `undefined`: never ends. */
  arm(expiresAt: number | undefined): void;
  /** Stops it. */
  clear(): void;
}
