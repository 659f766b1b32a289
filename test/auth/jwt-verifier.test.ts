import { constants, createHmac, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { describe, expect, it } from 'vitest';
import { type JwtAlgorithm } from '../../src/auth/auth-options.interface.js';
import { JwtVerifier, type TokenCheck } from '../../src/auth/jwt-verifier.js';
import { resolveAuthOptions } from '../../src/auth/resolve-auth-options.js';
import { nowSec } from './support/tokens.js';

/*
 * The verifier checks signatures with node:crypto and claims with its own
 * rules; before, it called jsonwebtoken (through @nestjs/jwt's JwtService).
 * Every token below gets the same answer from both: admitted or not, the
 * same code, and the same reason for signature and claim refusals.
 */

const SECRET = 'a-secret-of-at-least-thirty-two-bytes-0123';
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ec384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const ec521 = generateKeyPairSync('ec', { namedCurve: 'P-521' });
const pem = (key: KeyObject) => key.export({ type: 'spki', format: 'pem' }).toString();

interface Signer {
  readonly alg: JwtAlgorithm;
  readonly kid?: string;
  readonly sign: (input: string) => Buffer;
  /** What jsonwebtoken verifies this algorithm with. */
  readonly verifyKey: KeyObject | string;
}

const hmacSigner = (alg: JwtAlgorithm): Signer => ({
  alg,
  sign: (input) =>
    createHmac(`sha${alg.slice(2)}`, SECRET)
      .update(input)
      .digest(),
  verifyKey: SECRET,
});

const keyed = (
  alg: JwtAlgorithm,
  kid: string,
  pair: { privateKey: KeyObject; publicKey: KeyObject },
): Signer => ({
  alg,
  kid,
  sign: (input) =>
    sign(`sha${alg.slice(2)}`, Buffer.from(input), {
      key: pair.privateKey,
      ...(alg.startsWith('PS')
        ? {
            padding: constants.RSA_PKCS1_PSS_PADDING,
            saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
          }
        : {}),
      ...(alg.startsWith('ES') ? { dsaEncoding: 'ieee-p1363' as const } : {}),
    }),
  verifyKey: pair.publicKey,
});

const SIGNERS: Signer[] = [
  hmacSigner('HS256'),
  hmacSigner('HS384'),
  hmacSigner('HS512'),
  ...(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'] as const).map((alg) =>
    keyed(alg, 'r', rsa),
  ),
  keyed('ES256', 'e256', ec256),
  keyed('ES384', 'e384', ec384),
  keyed('ES512', 'e521', ec521),
];

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function token(signer: Signer, payload: unknown, rawPayload?: string): string {
  const header = { alg: signer.alg, typ: 'JWT', ...(signer.kid ? { kid: signer.kid } : {}) };
  const input = `${b64(header)}.${rawPayload ?? b64(payload)}`;
  return `${input}.${signer.sign(input).toString('base64url')}`;
}

/** The payload variants: each claim rule on either side of its edge. */
function payloads(): Array<[string, unknown]> {
  const now = nowSec();
  const ok = { sub: 'u1', iat: now, exp: now + 600, iss: 'https://issuer.test', aud: 'ws-api' };
  return [
    ['valid', ok],
    ['aud array holding the audience', { ...ok, aud: ['other', 'ws-api'] }],
    ['aud array without it', { ...ok, aud: ['other', 'more'] }],
    ['the wrong aud', { ...ok, aud: 'other' }],
    ['no aud', { ...ok, aud: undefined }],
    ['the wrong iss', { ...ok, iss: 'https://evil.test' }],
    ['no iss', { ...ok, iss: undefined }],
    ['iss as an array', { ...ok, iss: ['https://issuer.test'] }],
    ['exp passed', { ...ok, exp: now - 10 }],
    ['exp passed within the tolerance', { ...ok, exp: now - 2 }],
    ['exp a string', { ...ok, exp: String(now + 600) }],
    ['nbf ahead', { ...ok, nbf: now + 60 }],
    ['nbf ahead within the tolerance', { ...ok, nbf: now + 2 }],
    ['nbf passed', { ...ok, nbf: now - 60 }],
    ['nbf a string', { ...ok, nbf: 'soon' }],
    ['nbf null', { ...ok, nbf: null }],
  ];
}

/** Ways to spoil a signed token. */
const TAMPERINGS: Array<[string, (token: string) => string]> = [
  ['as signed', (t) => t],
  ['last signature character changed', (t) => t.slice(0, -1) + (t.endsWith('A') ? 'B' : 'A')],
  ['signature cut short', (t) => t.slice(0, -4)],
  ['signature removed', (t) => t.slice(0, t.lastIndexOf('.') + 1)],
  ['a character not in base64url', (t) => `${t.slice(0, -2)}+${t.slice(-2)}`],
  ['padding added', (t) => `${t}==`],
  [
    'payload swapped',
    (t) => {
      const [header, , signature] = t.split('.');
      return `${header}.${b64({ sub: 'admin', exp: nowSec() + 600 })}.${signature}`;
    },
  ],
];

function withJwtService(signer: Signer, value: string, rules: Rules): TokenCheck | 'admitted' {
  const service = new JwtService({
    publicKey: signer.verifyKey,
    verifyOptions: {
      algorithms: [signer.alg],
      clockTolerance: 5,
      issuer: rules.issuer as string,
      audience: rules.audience as string,
    },
  });
  try {
    service.verify(value);
    return 'admitted';
  } catch (error) {
    const { name, message } = error as Error;
    return name === 'TokenExpiredError'
      ? { ok: false, code: 'TOKEN_EXPIRED', reason: message }
      : { ok: false, code: 'UNAUTHENTICATED', reason: message };
  }
}

interface Rules {
  readonly issuer: string | string[];
  readonly audience: string | string[];
}

/** Reasons that name a rule (the others name a parse step, whose order differs). */
const RULE_REASONS =
  /^(invalid signature|jwt expired|jwt not active|invalid (nbf|exp) value|jwt (audience|issuer) invalid)/;

describe('JwtVerifier: node:crypto and its own claim checks, answering as jsonwebtoken did', () => {
  it.each<[string, Rules]>([
    ['one issuer and one audience', { issuer: 'https://issuer.test', audience: 'ws-api' }],
    [
      'lists of issuers and audiences',
      { issuer: ['https://other.test', 'https://issuer.test'], audience: ['x', 'ws-api'] },
    ],
  ])('every algorithm, claim and tampering, with %s', (_name, rules) => {
    const verifier = new JwtVerifier(
      resolveAuthOptions({
        secret: SECRET,
        publicKeys: {
          r: pem(rsa.publicKey),
          e256: pem(ec256.publicKey),
          e384: pem(ec384.publicKey),
          e521: pem(ec521.publicKey),
        },
        algorithms: SIGNERS.map((signer) => signer.alg),
        issuer: rules.issuer,
        audience: rules.audience,
        clockToleranceSec: 5,
        requireExp: false,
      }),
    );
    let compared = 0;
    const admitted: string[] = [];
    for (const signer of SIGNERS) {
      for (const [payloadName, payload] of payloads()) {
        for (const [tampering, spoil] of TAMPERINGS) {
          const value = spoil(token(signer, payload));
          const label = `${signer.alg} ${payloadName} ${tampering}`;
          const expected = withJwtService(signer, value, rules);
          const actual = verifier.verify(value);
          if (expected === 'admitted') {
            expect(actual, label).toMatchObject({
              ok: true,
              session: { userId: expect.any(String) },
            });
            admitted.push(label);
          } else {
            expect(actual.ok, label).toBe(false);
            if (actual.ok || expected.ok) continue;
            expect(actual.code, label).toBe(expected.code);
            if (RULE_REASONS.test(expected.reason))
              expect(actual.reason, label).toBe(expected.reason);
          }
          compared += 1;
        }
      }
    }
    expect(compared).toBe(SIGNERS.length * payloads().length * TAMPERINGS.length);
    // Only untampered tokens whose claims hold are admitted, by both; and the bits past a
    // signature's last byte (RSA: 4, EC: 2 or 4), which base64url decoding drops.
    const tampered = admitted.filter((label) => !label.endsWith('as signed'));
    expect(
      tampered.every((label) => /^(RS|PS|ES)\d+ .* last signature character changed$/.test(label)),
    ).toBe(true);
    // valid, aud array holding it, exp and nbf within the tolerance, nbf passed.
    expect(admitted.length - tampered.length).toBe(SIGNERS.length * 5);
  });

  it('refuses payloads that are not JSON objects, signed or not', () => {
    const verifier = new JwtVerifier(resolveAuthOptions({ secret: SECRET, requireExp: false }));
    const signer = hmacSigner('HS256');
    for (const raw of [
      Buffer.from('not json').toString('base64url'),
      b64('a string'),
      b64(42),
      b64(null),
      b64([{ sub: 'u1' }]),
    ]) {
      expect(verifier.verify(token(signer, undefined, raw))).toMatchObject({
        ok: false,
        code: 'UNAUTHENTICATED',
      });
    }
    expect(verifier.verify(token(signer, { sub: 'u1' }))).toMatchObject({
      ok: true,
      session: { userId: 'u1', expiresAt: undefined },
    });
  });
});
