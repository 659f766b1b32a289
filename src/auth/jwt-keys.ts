import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { type JwtAlgorithm, type ResolvedAuthOptions } from './auth-options.interface.js';

const HMAC: readonly JwtAlgorithm[] = ['HS256', 'HS384', 'HS512'];
const RSA: readonly JwtAlgorithm[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
const EC: readonly JwtAlgorithm[] = ['ES256', 'ES384', 'ES512'];
const KNOWN = new Set<string>([...HMAC, ...RSA, ...EC]);

/** The ES algorithm each named curve signs with. */
const EC_ALGORITHM_OF: Readonly<Record<string, JwtAlgorithm>> = {
  prime256v1: 'ES256',
  secp384r1: 'ES384',
  secp521r1: 'ES512',
};

/** A verification key and the algorithms it may verify. */
export interface VerificationKey {
  readonly key: KeyObject;
  readonly algorithms: JwtAlgorithm[];
}

export interface VerificationKeys {
  /** The allow list: the configured one, or every algorithm the keys can verify by default. */
  readonly algorithms: JwtAlgorithm[];
  /** The secret's key, for HS tokens without a `kid`. */
  readonly hmac: VerificationKey | undefined;
  /** The unnamed public key, for RS/PS/ES tokens without a `kid`. */
  readonly publicKey: VerificationKey | undefined;
  /** Public keys by `kid`. */
  readonly byKid: ReadonlyMap<string, VerificationKey>;
}

function fail(sentence: string): never {
  throw new Error(`SecureWsModule: ${sentence}`);
}

/** What an asymmetric key can verify: `[defaults, every one]`. */
function algorithmsOfPublicKey(key: KeyObject): [JwtAlgorithm[], JwtAlgorithm[]] {
  if (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') {
    return [['RS256'], [...RSA]];
  }
  if (key.asymmetricKeyType === 'ec') {
    const algorithm = EC_ALGORITHM_OF[key.asymmetricKeyDetails?.namedCurve ?? ''];
    if (algorithm) return [[algorithm], [algorithm]];
  }
  return fail(
    `a public key of type "${key.asymmetricKeyType}" is not supported (RSA or EC P-256/384/521).`,
  );
}

function parsePublicKey(pem: string | Buffer, name: string): KeyObject {
  try {
    return createPublicKey(pem);
  } catch {
    return fail(`"${name}" is not a PEM public key.`);
  }
}

/**
 * Parses the configured keys once, at start-up, and works out which
 * algorithm each may verify: HS with the secret only, RS/PS/ES with public
 * keys only, so that one key can never be used as the other kind.
 */
export function buildVerificationKeys(options: ResolvedAuthOptions): VerificationKeys {
  const configured = options.algorithms.length > 0 ? options.algorithms : undefined;
  for (const algorithm of configured ?? []) {
    if (!KNOWN.has(algorithm)) fail(`"auth.algorithms" names an unknown algorithm "${algorithm}".`);
  }
  const defaults = new Set<JwtAlgorithm>();
  const allowed = (possible: readonly JwtAlgorithm[], byDefault: readonly JwtAlgorithm[]) => {
    for (const algorithm of byDefault) defaults.add(algorithm);
    return possible.filter((algorithm) => (configured ?? byDefault).includes(algorithm));
  };
  const hmac = options.secret
    ? { key: createSecretKey(options.secret), algorithms: allowed(HMAC, ['HS256']) }
    : undefined;
  const publicEntry = (pem: string | Buffer, name: string): VerificationKey => {
    const key = parsePublicKey(pem, name);
    const [byDefault, possible] = algorithmsOfPublicKey(key);
    return { key, algorithms: allowed(possible, byDefault) };
  };
  const publicKey = options.publicKey
    ? publicEntry(options.publicKey, 'auth.publicKey')
    : undefined;
  const byKid = new Map<string, VerificationKey>();
  for (const [kid, pem] of Object.entries(options.publicKeys)) {
    byKid.set(kid, publicEntry(pem, `auth.publicKeys.${kid}`));
  }
  if (!hmac && !publicKey && byKid.size === 0) {
    fail('"auth" needs a "secret", a "publicKey" or "publicKeys" to verify tokens with.');
  }
  const usable = new Set(
    [hmac, publicKey, ...byKid.values()].flatMap((entry) => entry?.algorithms ?? []),
  );
  for (const algorithm of configured ?? []) {
    if (!usable.has(algorithm)) {
      fail(
        HMAC.includes(algorithm)
          ? `"auth.algorithms" includes ${algorithm} but no "auth.secret" is set.`
          : `"auth.algorithms" includes ${algorithm} but no configured public key can verify it.`,
      );
    }
  }
  return { algorithms: configured ?? [...defaults], hmac, publicKey, byKid };
}
