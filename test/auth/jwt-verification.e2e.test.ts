import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveAuthOptions } from '../../src/auth/resolve-auth-options.js';
import { type AuthTestApp, createAuthApp, logsHoldNone } from './support/auth-app.js';
import {
  bearer,
  claims,
  generateTestKeys,
  nowSec,
  signJwt,
  type TestKeys,
} from './support/tokens.js';

describe('JWT verification at connect', () => {
  let keys: TestKeys;
  let t: AuthTestApp;
  const presented: string[] = [];

  beforeAll(async () => {
    keys = generateTestKeys();
    t = await createAuthApp({
      secret: keys.secret,
      publicKeys: { r1: keys.rsa.publicPem, r2: keys.rsa2.publicPem, e1: keys.ec.publicPem },
      issuer: 'https://issuer.test',
      audience: 'ws-api',
      firstMessage: false,
    });
  });
  afterAll(() => t.close());

  const valid = (sub: string, extra: Record<string, unknown> = {}) =>
    claims(sub, 600, { iss: 'https://issuer.test', aud: 'ws-api', ...extra });

  async function expectRefused(token: string, code: string) {
    presented.push(token);
    const client = await t.connect('/secure', bearer(token));
    client.emit('echo', 'sent at once');
    expect(await client.nextError(code)).toMatchObject({ code });
    expect(await client.closed).toEqual({ code: 4401, reason: code });
  }

  it.each([
    ['HS256 with the secret', () => signJwt(valid('hs-user'), { key: keys.secret }), 'hs-user'],
    [
      'RS256 with key r1',
      () => signJwt(valid('rs-user'), { alg: 'RS256', kid: 'r1', key: keys.rsa.privateKey }),
      'rs-user',
    ],
    [
      'RS256 with the rotated key r2',
      () => signJwt(valid('rs2-user'), { alg: 'RS256', kid: 'r2', key: keys.rsa2.privateKey }),
      'rs2-user',
    ],
    [
      'ES256 with key e1',
      () => signJwt(valid('es-user'), { alg: 'ES256', kid: 'e1', key: keys.ec.privateKey }),
      'es-user',
    ],
  ])('admits a token signed %s', async (_name, make, userId) => {
    const token = make();
    presented.push(token);
    const client = await t.connect('/secure', bearer(token));
    expect(await client.request('whoami')).toMatchObject({ event: 'whoami', data: { userId } });
    expect(t.recorder.connected).toContain(userId);
    client.close();
  });

  it.each([
    ['garbage', () => 'not-a-jwt', 'UNAUTHENTICATED'],
    ['three garbage parts', () => 'a.b.c', 'UNAUTHENTICATED'],
    [
      'a bad signature',
      () => `${signJwt(valid('u'), { key: keys.secret }).slice(0, -4)}AAAA`,
      'UNAUTHENTICATED',
    ],
    [
      'another secret',
      () => signJwt(valid('u'), { key: `${keys.secret}-other` }),
      'UNAUTHENTICATED',
    ],
    ['alg none', () => signJwt(valid('u'), { alg: 'none', key: '' }), 'UNAUTHENTICATED'],
    [
      'HS256 signed with the RSA public key PEM as secret',
      () => signJwt(valid('u'), { alg: 'HS256', key: keys.rsa.publicPem }),
      'UNAUTHENTICATED',
    ],
    [
      'HS256 signed with the RSA public key PEM, naming its kid',
      () => signJwt(valid('u'), { alg: 'HS256', kid: 'r1', key: keys.rsa.publicPem }),
      'UNAUTHENTICATED',
    ],
    [
      'RS256 under the EC key id',
      () => signJwt(valid('u'), { alg: 'RS256', kid: 'e1', key: keys.rsa.privateKey }),
      'UNAUTHENTICATED',
    ],
    [
      'an unknown kid',
      () => signJwt(valid('u'), { alg: 'RS256', kid: 'gone', key: keys.rsa.privateKey }),
      'UNAUTHENTICATED',
    ],
    [
      'the wrong issuer',
      () => signJwt(valid('u', { iss: 'https://evil.test' }), { key: keys.secret }),
      'UNAUTHENTICATED',
    ],
    [
      'the wrong audience',
      () => signJwt(valid('u', { aud: 'other-api' }), { key: keys.secret }),
      'UNAUTHENTICATED',
    ],
    [
      'a future nbf',
      () => signJwt(valid('u', { nbf: nowSec() + 60 }), { key: keys.secret }),
      'UNAUTHENTICATED',
    ],
    [
      'no exp',
      () => signJwt({ sub: 'u', iss: 'https://issuer.test', aud: 'ws-api' }, { key: keys.secret }),
      'UNAUTHENTICATED',
    ],
    [
      'no sub',
      () => signJwt(valid('u', { sub: undefined }), { key: keys.secret }),
      'UNAUTHENTICATED',
    ],
    [
      'more than 8 KiB',
      () => signJwt(valid('u', { pad: 'x'.repeat(9000) }), { key: keys.secret }),
      'UNAUTHENTICATED',
    ],
    [
      'an expired exp',
      () => signJwt(valid('u', { exp: nowSec() - 10 }), { key: keys.secret }),
      'TOKEN_EXPIRED',
    ],
  ])('refuses a token with %s: error frame, then close 4401', async (_name, make, code) => {
    await expectRefused(make(), code);
  });

  it('refuses a connection without a token when first-message auth is off', async () => {
    const client = await t.connect('/secure');
    client.emit('echo', 'x');
    await client.nextError('UNAUTHENTICATED');
    expect(await client.closed).toEqual({ code: 4401, reason: 'UNAUTHENTICATED' });
  });

  it('ran no handler and no handleConnection for any refused client', () => {
    expect(t.recorder.handled).toEqual([]);
    expect(t.recorder.connected).not.toContain(null);
    expect(t.recorder.connected).not.toContain('u');
  });

  it('logs the reason of each refusal, and never a token', () => {
    const reasons = t.logs.withMessage('Authentication refused').map((line) => line.reason);
    expect(reasons).toEqual(
      expect.arrayContaining([
        'malformed token',
        'invalid signature',
        'algorithm none not allowed',
        'unknown key id',
        'token too long',
        'no exp claim',
        'jwt expired',
        'jwt not active',
      ]),
    );
    expect(presented.length).toBeGreaterThan(10);
    const secrets = presented.flatMap((token) => [token, token.split('.')[2] ?? '']);
    expect(
      logsHoldNone(
        t,
        secrets.filter((secret) => secret.length >= 20),
      ),
    ).toBe(true);
    expect(logsHoldNone(t, [keys.secret])).toBe(true);
  });
});

describe('auth options, checked at start-up', () => {
  const { publicPem, privateKey } = generateTestKeys().rsa;

  it.each([
    [{ secret: 'short' }, 'SecureWsModule: "auth.secret" must be at least 32 bytes, got 5.'],
    [
      { secret: 'x'.repeat(32), algorithms: ['none'] as never },
      'SecureWsModule: "auth.algorithms" must not include "none": unsigned tokens are never accepted.',
    ],
    [
      { secret: 'x'.repeat(32), clockToleranceSec: 30 },
      'SecureWsModule: "auth.clockToleranceSec" must be from 0 to 5 seconds, got 30.',
    ],
    [
      {},
      'SecureWsModule: "auth" needs a "secret", a "publicKey" or "publicKeys" to verify tokens with.',
    ],
    [{ publicKey: 'not a pem' }, 'SecureWsModule: "auth.publicKey" is not a PEM public key.'],
    [
      { publicKey: publicPem, algorithms: ['HS256'] as never },
      'SecureWsModule: "auth.algorithms" includes HS256 but no "auth.secret" is set.',
    ],
    [
      { secret: 'x'.repeat(32), authTimeoutMs: 0 },
      'SecureWsModule: "auth.authTimeoutMs" must be a positive integer, got 0.',
    ],
  ])('refuses %j in one sentence', (auth, sentence) => {
    expect(() => resolveAuthOptions(auth)).toThrow(sentence);
  });

  it('derives the allow list from the keys: HS256 for a secret, RS256 for an RSA key', () => {
    expect(resolveAuthOptions({ secret: 'x'.repeat(32), publicKey: publicPem }).algorithms).toEqual(
      ['HS256', 'RS256'],
    );
  });

  it('verifies ES256 with a single public key and no kid', async () => {
    const { JwtVerifier } = await import('../../src/auth/jwt-verifier.js');
    const keys = generateTestKeys();
    const verifier = new JwtVerifier(resolveAuthOptions({ publicKey: keys.ec.publicPem }));
    const token = signJwt(claims('ec-user'), { alg: 'ES256', key: keys.ec.privateKey });
    expect(verifier.verify(token)).toMatchObject({ ok: true, session: { userId: 'ec-user' } });
    const rs = signJwt(claims('rs-user'), { alg: 'RS256', key: keys.rsa.privateKey });
    expect(verifier.verify(rs)).toMatchObject({ ok: false, reason: 'algorithm RS256 not allowed' });
  });

  it('verifies an unknown-kid flood without any signature check', async () => {
    const { JwtVerifier } = await import('../../src/auth/jwt-verifier.js');
    const verifier = new JwtVerifier(resolveAuthOptions({ publicKeys: { k: publicPem } }));
    const forged = signJwt(claims('u'), { alg: 'RS256', kid: 'nope', key: privateKey });
    const started = performance.now();
    for (let i = 0; i < 20_000; i++) verifier.verify(forged);
    expect(verifier.verify(forged)).toMatchObject({ ok: false, reason: 'unknown key id' });
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
