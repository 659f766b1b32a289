import { createSecretKey } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { JwtService } from '@nestjs/jwt';
import { JWT_SECRET, PROFILE_SCOPE } from '../lib/protocol.js';

/** What a server keeps per connection after the handshake. */
export interface Session {
  sub: string;
  scopes: string[];
}

interface BenchClaims {
  sub: string;
  scope?: string;
}

/** The session of a connection without authentication (pipeline / echo scenarios). */
export function anonymousSession(): Session {
  return { sub: 'anonymous', scopes: [PROFILE_SCOPE] };
}

/**
 * The HS256 secret as a KeyObject. Given a string, jsonwebtoken's verify first
 * tries `createPublicKey(secret)` and falls back to a secret key when that
 * throws: about 0.4 ms of CPU per verify on this machine, which would dominate
 * the handshake. Every server gets the same KeyObject.
 */
export const JWT_KEY = createSecretKey(Buffer.from(JWT_SECRET, 'utf8'));

/** HS256 verification shared by the raw server (the Nest servers get JwtService from DI). */
export const benchJwt = new JwtService({
  secret: JWT_KEY,
  verifyOptions: { algorithms: ['HS256'] },
});

/**
 * Session from `Authorization: Bearer <jwt>`, or undefined when it is missing
 * or does not verify.
 */
export function sessionFromRequest(jwt: JwtService, req: IncomingMessage): Session | undefined {
  const header = req.headers.authorization;
  if (!header?.startsWith('Bearer ')) return undefined;
  return sessionFromToken(jwt, header.slice(7));
}

/** Session from a JWT, or undefined when it does not verify. */
export function sessionFromToken(jwt: JwtService, token: string): Session | undefined {
  try {
    const claims = jwt.verify<BenchClaims>(token);
    return { sub: claims.sub, scopes: claims.scope ? claims.scope.split(' ') : [] };
  } catch {
    return undefined;
  }
}

/** A valid bench token: `sub`, the profile scope, and an `exp` one hour out. */
export function benchToken(): string {
  return benchJwt.sign({ sub: 'bench-user', scope: PROFILE_SCOPE }, { expiresIn: '1h' });
}

/**
 * The token of the `index`-th of many users, each with a token id (`jti`),
 * as in production: a server that keeps per-user or per-token state pays
 * for it once per connection, not once for a single bench user.
 */
export function userToken(index: number): string {
  return benchJwt.sign(
    { sub: `user-${index}`, scope: PROFILE_SCOPE },
    { expiresIn: '1h', jwtid: `token-${index}` },
  );
}
