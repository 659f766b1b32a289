import { type WsSession } from '../connection/session.js';
import { WsErrorCode } from '../errors/error-codes.js';
import { type ResolvedAuthOptions } from './auth-options.interface.js';
import { isCompactJws, signatureMatches } from './jws-signature.js';
import { type ClaimRules, claimsRefusal } from './jwt-claims.js';
import { readJwtHeader } from './jwt-header.js';
import { buildVerificationKeys, type VerificationKey } from './jwt-keys.js';

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

function payloadOf(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Verifies JWTs with the module's own keys and rules (not the app's
 * `JwtModule`), and turns a valid one into a session. Every failure is
 * UNAUTHENTICATED or TOKEN_EXPIRED with a reason for the log.
 *
 * The keys are imported once, at start-up (`KeyObject`s); each token costs
 * one header parse, one signature check with node:crypto and, only once the
 * signature holds, one payload parse and the claims checks
 * (`jwt-claims.ts`, the rules and reasons of `jsonwebtoken`, which this
 * replaced on the connect path).
 */
export class JwtVerifier {
  private readonly keys;
  private readonly claimRules: ClaimRules;

  constructor(private readonly options: ResolvedAuthOptions) {
    this.keys = buildVerificationKeys(options);
    const { issuer, audience, clockToleranceSec } = options;
    this.claimRules = { issuer, audience, clockToleranceSec };
  }

  verify(token: string | undefined): TokenCheck {
    if (typeof token !== 'string' || token.length === 0) return refused('no token');
    if (token.length > this.options.maxTokenLength) return refused('token too long');
    const header = readJwtHeader(token);
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
    if (!isCompactJws(token)) return refused('invalid token');
    const lastDot = token.lastIndexOf('.');
    const signature = token.slice(lastDot + 1);
    if (signature.length === 0) return refused('jwt signature is required');
    if (!signatureMatches(header.alg, key.key, token.slice(0, lastDot), signature)) {
      return refused('invalid signature');
    }
    const claims = payloadOf(token.slice(token.indexOf('.') + 1, lastDot));
    if (typeof claims !== 'object' || claims === null) return refused('payload is not an object');
    const problem = claimsRefusal(
      claims as Record<string, unknown>,
      this.claimRules,
      Math.floor(Date.now() / 1000),
    );
    if (problem) {
      return problem.expired
        ? { ok: false, code: WsErrorCode.TOKEN_EXPIRED, reason: problem.reason }
        : refused(problem.reason);
    }
    return this.sessionOf(claims as Record<string, unknown>);
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

  private sessionOf(claims: Record<string, unknown>): TokenCheck {
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
