import { JwtService } from '@nestjs/jwt';
import { type WsSession } from '../connection/session.js';
import { WsErrorCode } from '../errors/error-codes.js';
import { type ResolvedAuthOptions } from './auth-options.interface.js';
import { jwtHeaderSegment, parseJwtHeader } from './jwt-header.js';
import { buildVerificationKeys, type VerificationKey } from './jwt-keys.js';
import { VerifiedJwtHeaders } from './verified-jwt-headers.js';

const MAX_SUBJECT_LENGTH = 256;

export type TokenCheck =
  | { readonly ok: true; readonly session: WsSession }
  | {
      readonly ok: false;
      readonly code: typeof WsErrorCode.UNAUTHENTICATED | typeof WsErrorCode.TOKEN_EXPIRED;
      /** Why, for the log; never holds the token. */
      readonly reason: string;
    };

function refused(reason: string): TokenCheck {
  return { ok: false, code: WsErrorCode.UNAUTHENTICATED, reason };
}

function subjectOf(value: unknown, numeric: boolean): string | undefined {
  if (numeric && typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_SUBJECT_LENGTH
    ? value
    : undefined;
}

/**
 * Verifies JWTs with the module's own keys and rules (not the app's
 * `JwtModule`), and turns a valid one into a session. Every failure is
 * UNAUTHENTICATED or TOKEN_EXPIRED with a reason for the log.
 */
export class JwtVerifier {
  /** One `JwtService` per key, each bound to that key and its algorithms. */
  private readonly services = new Map<VerificationKey, JwtService>();
  private readonly keys;
  private readonly verifiedHeaders = new VerifiedJwtHeaders();

  constructor(private readonly options: ResolvedAuthOptions) {
    this.keys = buildVerificationKeys(options);
  }

  verify(token: string | undefined): TokenCheck {
    if (typeof token !== 'string' || token.length === 0) return refused('no token');
    if (token.length > this.options.maxTokenLength) return refused('token too long');
    const segment = jwtHeaderSegment(token);
    if (segment === undefined) return refused('malformed token');
    const header = this.verifiedHeaders.get(segment) ?? parseJwtHeader(segment);
    if (!header) return refused('malformed token');
    if (!(this.keys.algorithms as string[]).includes(header.alg)) {
      return refused(`algorithm ${header.alg.slice(0, 16)} not allowed`);
    }
    const key = this.keyFor(header.alg, header.kid);
    if (!key)
      return refused(header.kid === undefined ? 'no key for this algorithm' : 'unknown key id');
    if (!(key.algorithms as string[]).includes(header.alg)) {
      return refused(`algorithm ${header.alg} not allowed for this key`);
    }
    let claims: unknown;
    try {
      claims = this.serviceFor(key).verify(token);
      this.verifiedHeaders.remember(segment, header);
    } catch (error) {
      const { name, message } = error as Error;
      return name === 'TokenExpiredError'
        ? { ok: false, code: WsErrorCode.TOKEN_EXPIRED, reason: message }
        : refused(typeof message === 'string' ? message.slice(0, 200) : 'invalid token');
    }
    return this.sessionOf(claims);
  }

  private keyFor(alg: string, kid: string | undefined): VerificationKey | undefined {
    if (alg.startsWith('HS'))
      return kid === undefined || this.keys.byKid.size === 0 ? this.keys.hmac : undefined;
    if (kid !== undefined)
      return (
        this.keys.byKid.get(kid) ?? (this.keys.byKid.size === 0 ? this.keys.publicKey : undefined)
      );
    return this.keys.publicKey;
  }

  private serviceFor(key: VerificationKey): JwtService {
    let service = this.services.get(key);
    if (!service) {
      const { issuer, audience, clockToleranceSec } = this.options;
      service = new JwtService({
        publicKey: key.key,
        verifyOptions: {
          algorithms: key.algorithms,
          clockTolerance: clockToleranceSec,
          ...(issuer === undefined ? {} : { issuer: issuer as string | [string, ...string[]] }),
          ...(audience === undefined
            ? {}
            : { audience: audience as string | [string, ...string[]] }),
        },
      });
      this.services.set(key, service);
    }
    return service;
  }

  private sessionOf(value: unknown): TokenCheck {
    if (typeof value !== 'object' || value === null) return refused('payload is not an object');
    const claims = value as Record<string, unknown>;
    const userId = subjectOf(claims[this.options.subjectClaim], this.options.numericSubject);
    if (userId === undefined) return refused(`no "${this.options.subjectClaim}" claim`);
    const exp = claims.exp;
    if (exp === undefined && this.options.requireExp) return refused('no exp claim');
    if (typeof exp === 'number' && exp - Date.now() / 1000 > this.options.maxTokenLifetimeSec) {
      return refused('exp beyond maxTokenLifetimeSec');
    }
    const jti = claims.jti;
    return {
      ok: true,
      session: {
        userId,
        claims,
        expiresAt: typeof exp === 'number' ? exp * 1000 : undefined,
        tokenId: typeof jti === 'string' && jti.length > 0 ? jti : undefined,
      },
    };
  }
}
