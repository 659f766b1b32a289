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
