import { randomUUID } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `15m`, `1h`, `30s`, `2d` or a number of seconds, as seconds. */
export function parseTtl(text: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(text.trim());
  const seconds = match ? Number(match[1]) * (UNIT_SECONDS[match[2] || 's'] ?? 1) : Number.NaN;
  if (!Number.isSafeInteger(seconds) || seconds <= 0) {
    throw new Error(`--ttl must be a duration like 30s, 15m, 1h or 2d, got "${text}".`);
  }
  return seconds;
}

export interface TokenRequest {
  sub: string;
  ttlSeconds: number;
  /** Extra claims (roles, scope...). */
  claims?: Record<string, unknown>;
}

/**
 * An HS256 token for the reference app: `sub` for `/ws`, the same value
 * as `user_id` for the seed secure server, a fresh `jti`.
 */
export function signToken(secret: string, request: TokenRequest): string {
  return new JwtService({ secret }).sign(
    { ...request.claims, sub: request.sub, user_id: request.sub },
    { algorithm: 'HS256', expiresIn: request.ttlSeconds, jwtid: randomUUID() },
  );
}
