import { type AllowedOrigins } from './origin-policy.js';
import { type RateLimitRule } from './token-bucket.js';

/** When a client that keeps being rate limited is closed 4429. */
export interface AbuseRule {
  /** RATE_LIMITED answers one connection may get within `windowMs` before it is closed 4429. */
  maxRefusals: number;
  windowMs: number;
}

/**
 * Handshake rules (answered with HTTP before the upgrade) and message rate
 * limits. Every rule can be turned off with `false`.
 */
export interface ProtectionOptions {
  /**
   * Browser origins that may connect. `'same-origin'`: the `Origin`'s host
   * must equal the request's `Host`; a list: exact origins such as
   * `https://app.example.com`; `'*'`: any origin (turns the check off).
   * @default 'same-origin'
   */
  allowedOrigins?: AllowedOrigins;
  /**
   * Requests without an `Origin` header come from non-browser clients
   * (browsers always send it on WebSocket upgrades); allow them.
   * @default true
   */
  allowMissingOrigin?: boolean;
  /** Addresses and CIDR ranges (IPv4, IPv6) allowed to connect; empty allows all. @default [] */
  ipAllowList?: string[];
  /** Addresses and CIDR ranges refused with 403 IP_DENIED; wins over the allow list. @default [] */
  ipDenyList?: string[];
  /**
   * Proxies whose `X-Forwarded-For` is believed (addresses and CIDR ranges).
   * Only when the TCP peer is one of them is the header read, from the right.
   * @default [] (the header is ignored)
   */
  trustedProxies?: string[];
  /** Open connections of the whole app; beyond it 503 AT_CAPACITY. @default 10000 */
  maxConnections?: number | false;
  /**
   * Open connections without a session on one listener (a port: the app's,
   * or one of `listeners`); beyond it 503 AT_CAPACITY. A socket counts until
   * it authenticates; `auth: false` gateways stay anonymous. Anonymous
   * sockets of other listeners do not count against `maxConnections` for an
   * upgrade, so no anonymous traffic on one port refuses users on another.
   * Must be smaller than `maxConnections`.
   * @default 1000, or half of `maxConnections` when that is smaller; none when the module does not authenticate
   */
  maxUnauthenticatedConnections?: number | false;
  /** Open connections of one client address; beyond it 429 TOO_MANY_CONNECTIONS. @default 64 */
  maxConnectionsPerAddress?: number | false;
  /**
   * IPv6 clients are counted by this prefix for the per-address caps and the
   * handshake rate (one subscriber holds a whole /64); 128 counts each address.
   * @default 64
   */
  ipv6PrefixLength?: number;
  /**
   * Handshakes of one client address; beyond it 429 TOO_MANY_CONNECTIONS.
   * @default { points: 30, durationMs: 10000 }
   */
  handshakeRate?: RateLimitRule | false;
  /**
   * Messages of one connection (a handler's `@RateLimit()` replaces it for
   * that event); beyond it RATE_LIMITED with `retryAfterMs`.
   * @default { points: 50, durationMs: 1000, burst: 100 }
   */
  messageRate?: RateLimitRule | false;
  /**
   * Messages of one authenticated user over all their connections.
   * @default { points: 200, durationMs: 1000, burst: 400 }
   */
  userMessageRate?: RateLimitRule | false;
  /** Persistent abuse closes 4429. @default { maxRefusals: 50, windowMs: 10000 } */
  abuse?: AbuseRule | false;
  /**
   * Most client addresses and users whose rate state is kept; the least
   * recently seen is forgotten first, so a flood of addresses cannot grow memory.
   * @default 10000
   */
  maxTrackedKeys?: number;
}

/** Protection options with defaults filled in and every value checked. */
export interface ResolvedProtectionOptions {
  allowedOrigins: AllowedOrigins;
  allowMissingOrigin: boolean;
  ipAllowList: string[];
  ipDenyList: string[];
  trustedProxies: string[];
  maxConnections: number | false;
  maxUnauthenticatedConnections: number | false;
  maxConnectionsPerAddress: number | false;
  ipv6PrefixLength: number;
  handshakeRate: RateLimitRule | false;
  messageRate: RateLimitRule | false;
  userMessageRate: RateLimitRule | false;
  abuse: AbuseRule | false;
  maxTrackedKeys: number;
}

declare module '../options/secure-ws-options.interface.js' {
  interface SecureWsModuleOptions {
    /** Handshake rules and message rate limits (see `ProtectionOptions` for each default). */
    protection?: ProtectionOptions;
  }
  interface ResolvedSecureWsOptions {
    /** Also behind its own token, `PROTECTION_OPTIONS`. */
    protection: ResolvedProtectionOptions;
  }
}
