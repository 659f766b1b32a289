import { type RevocationStore } from './revocation-store.interface.js';

/** JWT algorithms the module verifies. `none` is never one of them. */
export type JwtAlgorithm =
  | 'HS256'
  | 'HS384'
  | 'HS512'
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'ES256'
  | 'ES384'
  | 'ES512';

/** Where a token is looked for at connect, in this order. */
export interface TokenSourceOptions {
  /** `Authorization: Bearer <jwt>`. @default true */
  header?: boolean;
  /** `Sec-WebSocket-Protocol: access_token, <jwt>`; the server selects `access_token`. @default true */
  subprotocol?: boolean;
  /** Name of a cookie holding the token; off unless named. @default undefined */
  cookie?: string;
  /** The query parameter `access_token`; off because URLs end up in logs. @default false */
  query?: boolean;
}

/** What happens when a user opens one connection more than `maxConnectionsPerUser`. */
export type UserLimitPolicy = 'refuse-newest' | 'close-oldest';

export interface AuthOptions {
  /** HS256/384/512 secret, at least 32 bytes. */
  secret?: string | Buffer;
  /** One RS/PS/ES public key (PEM), for tokens without a `kid`. */
  publicKey?: string | Buffer;
  /** Public keys (PEM) by key id, for rotation: a token's `kid` picks its key. */
  publicKeys?: Record<string, string | Buffer>;
  /**
   * Algorithms accepted. `none` is refused at start-up.
   * @default every algorithm the configured keys can verify: HS256 for a secret, RS256 for RSA keys, ES256 for P-256 keys
   */
  algorithms?: JwtAlgorithm[];
  /** Required `iss`, when set. @default undefined */
  issuer?: string | string[];
  /** Required `aud` (one of), when set. @default undefined */
  audience?: string | string[];
  /** Refuse tokens without `exp`. @default true */
  requireExp?: boolean;
  /** Leeway for `exp` and `nbf`, in seconds, at most 5. @default 0 */
  clockToleranceSec?: number;
  /** The claim holding the user id. @default 'sub' */
  subjectClaim?: string;
  /**
   * A numeric user id claim (`"sub": 42`) is refused UNAUTHENTICATED, as
   * RFC 7519 makes `sub` a string; `true` turns it into the string `"42"`
   * (it then names the same user as a token with `"sub": "42"`).
   * @default false
   */
  numericSubject?: boolean;
  /**
   * Tokens whose `exp` lies further ahead than this are refused
   * UNAUTHENTICATED (an absurd `exp`, up to the largest double, would never
   * end the session).
   * @default 31536000 (one year)
   */
  maxTokenLifetimeSec?: number;
  /** Longer tokens are refused UNAUTHENTICATED without being verified. @default 8192 */
  maxTokenLength?: number;
  /** Where tokens are looked for at connect. @default { header: true, subprotocol: true, query: false } */
  sources?: TokenSourceOptions;
  /** Answer a refused connect with HTTP 401 before the upgrade instead of an error frame and 4401. @default false */
  refuseWithHttp?: boolean;
  /** Let a connection without a token authenticate with a first `auth` message. @default true */
  firstMessage?: boolean;
  /** How long a connection without a token has to send `auth`. @default 10000 */
  authTimeoutMs?: number;
  /** `session.expiring` is pushed this long before the session ends. @default 60000 */
  expiringNoticeMs?: number;
  /** Most live connections of one user; unlimited when absent. @default undefined */
  maxConnectionsPerUser?: number;
  /** Over `maxConnectionsPerUser`: refuse the new connection, or close the oldest. @default 'refuse-newest' */
  whenOverUserLimit?: UserLimitPolicy;
  /** How long a revocation lasts when the caller gives no `untilMs`. @default 86400000 (24 h) */
  revocationTtlMs?: number;
  /** Where revocations are kept; the default keeps them in this process. @default InMemoryRevocationStore */
  revocationStore?: RevocationStore;
}

/** Every auth option with its default filled in, keys parsed. */
export interface ResolvedAuthOptions
  extends Required<
    Omit<
      AuthOptions,
      | 'secret'
      | 'publicKey'
      | 'publicKeys'
      | 'issuer'
      | 'audience'
      | 'sources'
      | 'maxConnectionsPerUser'
      | 'revocationStore'
    >
  > {
  secret: Buffer | undefined;
  publicKey: string | Buffer | undefined;
  publicKeys: Record<string, string | Buffer>;
  issuer: string | string[] | undefined;
  audience: string | string[] | undefined;
  sources: Required<Omit<TokenSourceOptions, 'cookie'>> & { cookie: string | undefined };
  maxConnectionsPerUser: number | undefined;
  revocationStore: RevocationStore | undefined;
}

declare module '../options/secure-ws-options.interface.js' {
  interface SecureWsModuleOptions {
    /** JWT authentication of every gateway that does not opt out; off when absent. See docs/authentication.md. @default undefined */
    auth?: AuthOptions;
  }
  interface ResolvedSecureWsOptions {
    auth: ResolvedAuthOptions | undefined;
  }
}
