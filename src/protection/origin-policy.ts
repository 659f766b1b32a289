import { type IncomingMessage } from 'node:http';

/** Which browser origins may open a WebSocket. */
export type AllowedOrigins = readonly string[] | 'same-origin' | '*';

/** `https://App.example.com:443/` → `https://app.example.com`; throws on what is not an origin. */
export function normalizeOrigin(origin: string, optionName: string): string {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw new Error(
      `SecureWsModule: "${optionName}" holds "${origin}", which is not an origin like "https://app.example.com".`,
    );
  }
  if (url.origin === 'null' || !/^https?:$/.test(url.protocol)) {
    throw new Error(
      `SecureWsModule: "${optionName}" holds "${origin}", which is not an http(s) origin.`,
    );
  }
  return url.origin;
}

/**
 * Decides whether the `Origin` of an upgrade request may connect. Origins
 * are compared whole and exactly (scheme, host and port), so
 * `https://app.example.com.evil.example` and `null` never match
 * `https://app.example.com`.
 */
export class OriginPolicy {
  private readonly allowed: ReadonlySet<string> | undefined;

  constructor(
    private readonly origins: AllowedOrigins,
    private readonly allowMissing: boolean,
  ) {
    this.allowed = Array.isArray(origins) ? new Set(origins) : undefined;
  }

  allows(request: IncomingMessage): boolean {
    const origin = request.headers.origin;
    if (origin === undefined || origin === '') return this.allowMissing;
    if (this.origins === '*') return true;
    if (this.allowed) return this.allowed.has(origin);
    return this.isSameOrigin(origin, request.headers.host);
  }

  /** The origin's `host:port` equals the request's `Host` (scheme aside: TLS may end at a proxy). */
  private isSameOrigin(origin: string, host: string | undefined): boolean {
    if (!host) return false;
    try {
      const url = new URL(origin);
      return /^https?:$/.test(url.protocol) && url.host === host.toLowerCase();
    } catch {
      return false;
    }
  }
}
