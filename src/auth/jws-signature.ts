import { constants, createHmac, type KeyObject, timingSafeEqual, verify } from 'node:crypto';

/** A compact JWS: three base64url parts, the signature may be empty (as `jws` reads it). */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** Whether `token` has the shape of a compact JWS (base64url characters only). */
export function isCompactJws(token: string): boolean {
  return COMPACT_JWS.test(token);
}

/** `sha256` for HS256, RS256, PS256, ES256. */
function digestOf(alg: string): string {
  return `sha${alg.slice(2)}`;
}

function hmacMatches(alg: string, key: KeyObject, input: string, signature: string): boolean {
  // Compared as base64url text, as `jwa` does: a signature with other trailing bits is refused.
  const expected = createHmac(digestOf(alg), key).update(input).digest('base64url');
  return (
    expected.length === signature.length &&
    timingSafeEqual(Buffer.from(expected, 'latin1'), Buffer.from(signature, 'latin1'))
  );
}

function asymmetricMatches(alg: string, key: KeyObject, input: string, signature: string): boolean {
  const family = alg.slice(0, 2);
  // An RSA-PSS key signs PS only (jsonwebtoken's `validateAsymmetricKey`).
  if (family === 'RS' && key.asymmetricKeyType === 'rsa-pss') return false;
  const options =
    family === 'PS'
      ? {
          key,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
        }
      : family === 'ES'
        ? { key, dsaEncoding: 'ieee-p1363' as const }
        : key;
  try {
    return verify(digestOf(alg), Buffer.from(input), options, Buffer.from(signature, 'base64url'));
  } catch {
    // A signature of the wrong length for the curve, a key that cannot verify this algorithm.
    return false;
  }
}

/**
 * Checks the signature of a compact JWS with node:crypto: HMAC for HS*,
 * PKCS#1 v1.5 for RS*, PSS (salt as long as the digest) for PS*, and
 * IEEE P1363 (`r || s`) for ES*, as RFC 7518 says and `jwa` does. The
 * caller has checked that `key` may verify `alg` and the token's shape.
 */
export function signatureMatches(
  alg: string,
  key: KeyObject,
  signingInput: string,
  signature: string,
): boolean {
  if (signature.length === 0) return false;
  return alg.startsWith('HS')
    ? hmacMatches(alg, key, signingInput, signature)
    : asymmetricMatches(alg, key, signingInput, signature);
}
