/** The registered-claim rules of a verifier, from the `auth` options. */
export interface ClaimRules {
  readonly issuer: string | string[] | undefined;
  readonly audience: string | string[] | undefined;
  readonly clockToleranceSec: number;
}

/** Why a signed token's claims are refused; `expired` is TOKEN_EXPIRED, the rest UNAUTHENTICATED. */
export interface ClaimsRefusal {
  readonly expired: boolean;
  readonly reason: string;
}

function refusal(reason: string, expired = false): ClaimsRefusal {
  return { expired, reason };
}

function audienceMatches(expected: string | string[], aud: unknown): boolean {
  const audiences = Array.isArray(expected) ? expected : [expected];
  const presented: unknown[] = Array.isArray(aud) ? aud : [aud];
  return presented.some((value) => audiences.some((audience) => audience === value));
}

function issuerMatches(expected: string | string[], iss: unknown): boolean {
  return Array.isArray(expected) ? expected.includes(iss as string) : iss === expected;
}

/**
 * Checks `nbf`, `exp`, `aud` and `iss` of a token whose signature is
 * valid, in this order, with the same rules and reasons as `jsonwebtoken`'s
 * `verify` (which the module used before): `nbf` and `exp` must be numbers
 * when present, the clock tolerance applies to both, an `aud` array matches
 * when one of its values does.
 */
export function claimsRefusal(
  claims: Record<string, unknown>,
  rules: ClaimRules,
  nowSec: number,
): ClaimsRefusal | undefined {
  const { nbf, exp, aud, iss } = claims;
  const tolerance = rules.clockToleranceSec;
  if (nbf !== undefined) {
    if (typeof nbf !== 'number') return refusal('invalid nbf value');
    if (nbf > nowSec + tolerance) return refusal('jwt not active');
  }
  if (exp !== undefined) {
    if (typeof exp !== 'number') return refusal('invalid exp value');
    if (nowSec >= exp + tolerance) return refusal('jwt expired', true);
  }
  const { audience, issuer } = rules;
  if (audience && !audienceMatches(audience, aud)) {
    return refusal(
      `jwt audience invalid. expected: ${(Array.isArray(audience) ? audience : [audience]).join(' or ')}`,
    );
  }
  if (issuer && !issuerMatches(issuer, iss)) {
    return refusal(`jwt issuer invalid. expected: ${String(issuer)}`);
  }
  return undefined;
}
