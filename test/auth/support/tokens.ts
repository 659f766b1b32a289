import { createHmac, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';

/** Signs JWTs by hand with node:crypto, so tests can also forge the bad ones. */
export interface TestKeys {
  readonly secret: string;
  readonly rsa: { readonly privateKey: KeyObject; readonly publicPem: string };
  readonly rsa2: { readonly privateKey: KeyObject; readonly publicPem: string };
  readonly ec: { readonly privateKey: KeyObject; readonly publicPem: string };
}

function keyPair(type: 'rsa' | 'ec') {
  const { privateKey, publicKey } =
    type === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

export function generateTestKeys(): TestKeys {
  return {
    secret: 'test-secret-that-is-long-enough-0123456789',
    rsa: keyPair('rsa'),
    rsa2: keyPair('rsa'),
    ec: keyPair('ec'),
  };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
export const nowSec = () => Math.floor(Date.now() / 1000);

export interface SignOptions {
  alg?: string;
  kid?: string;
  /** HS secret (string or Buffer) or a private key. */
  key: string | Buffer | KeyObject;
}

/** `header.payload.signature`, signed as `alg` says (`none`: no signature). */
export function signJwt(payload: Record<string, unknown>, options: SignOptions): string {
  const alg = options.alg ?? 'HS256';
  const header = { alg, typ: 'JWT', ...(options.kid === undefined ? {} : { kid: options.kid }) };
  const input = `${b64(header)}.${b64(payload)}`;
  if (alg === 'none') return `${input}.`;
  let signature: Buffer;
  if (alg.startsWith('HS')) {
    signature = createHmac(`sha${alg.slice(2)}`, options.key as string | Buffer)
      .update(input)
      .digest();
  } else {
    signature = sign(`sha${alg.slice(2)}`, Buffer.from(input), {
      key: options.key as KeyObject,
      ...(alg.startsWith('ES') ? { dsaEncoding: 'ieee-p1363' as const } : {}),
    });
  }
  return `${input}.${signature.toString('base64url')}`;
}

/** Claims of a valid token for `sub`, valid `ttlSec` more seconds. */
export function claims(sub: string, ttlSec = 600, extra: Record<string, unknown> = {}) {
  return { sub, iat: nowSec(), exp: nowSec() + ttlSec, ...extra };
}

/** An HS256 token for `sub` signed with `secret`. */
export function hs(secret: string, sub: string, ttlSec = 600, extra: Record<string, unknown> = {}) {
  return signJwt(claims(sub, ttlSec, extra), { key: secret });
}

export function bearer(token: string) {
  return { headers: { Authorization: `Bearer ${token}` } };
}
