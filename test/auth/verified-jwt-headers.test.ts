import { describe, expect, it } from 'vitest';
import { JwtVerifier } from '../../src/auth/jwt-verifier.js';
import { resolveAuthOptions } from '../../src/auth/resolve-auth-options.js';
import { VerifiedJwtHeaders } from '../../src/auth/verified-jwt-headers.js';
import { claims, generateTestKeys, signJwt } from './support/tokens.js';

const headerOf = (token: string) => token.slice(0, token.indexOf('.'));

describe('headers of verified tokens, kept to skip their parse', () => {
  it('holds at most its capacity, forgetting the oldest first', () => {
    const headers = new VerifiedJwtHeaders(2);
    headers.remember('h1', { alg: 'HS256', kid: undefined });
    headers.remember('h2', { alg: 'HS256', kid: 'k2' });
    headers.remember('h1', { alg: 'HS512', kid: undefined });
    expect(headers.get('h1')).toEqual({ alg: 'HS256', kid: undefined });
    headers.remember('h3', { alg: 'RS256', kid: 'k3' });
    expect([headers.get('h1'), headers.get('h2'), headers.get('h3')]).toEqual([
      undefined,
      { alg: 'HS256', kid: 'k2' },
      { alg: 'RS256', kid: 'k3' },
    ]);
  });

  it('checks every signature still, with a known header: bad signatures, other keys and kids are refused', () => {
    const keys = generateTestKeys();
    const verifier = new JwtVerifier(
      resolveAuthOptions({
        secret: keys.secret,
        publicKeys: { r1: keys.rsa.publicPem, r2: keys.rsa2.publicPem },
      }),
    );
    const hs = signJwt(claims('u1'), { key: keys.secret });
    const r1 = signJwt(claims('u2'), { alg: 'RS256', kid: 'r1', key: keys.rsa.privateKey });
    expect(verifier.verify(hs)).toMatchObject({ ok: true, session: { userId: 'u1' } });
    expect(verifier.verify(r1)).toMatchObject({ ok: true, session: { userId: 'u2' } });

    // Same header segments as the tokens above, now known: the signature still decides.
    const otherSecret = signJwt(claims('u1'), { key: 'another-secret-that-is-long-enough-012345' });
    expect(headerOf(otherSecret)).toBe(headerOf(hs));
    expect(verifier.verify(otherSecret)).toMatchObject({ ok: false, reason: 'invalid signature' });
    const r1ByOtherKey = signJwt(claims('u2'), {
      alg: 'RS256',
      kid: 'r1',
      key: keys.rsa2.privateKey,
    });
    expect(headerOf(r1ByOtherKey)).toBe(headerOf(r1));
    expect(verifier.verify(r1ByOtherKey)).toMatchObject({ ok: false, reason: 'invalid signature' });
    const tampered = `${hs.slice(0, hs.lastIndexOf('.') + 1)}${'A'.repeat(43)}`;
    expect(verifier.verify(tampered)).toMatchObject({ ok: false, reason: 'invalid signature' });
    expect(verifier.verify(`${headerOf(hs)}.e30`)).toMatchObject({
      ok: false,
      reason: 'malformed token',
    });
    // And the known headers still verify what they should.
    expect(verifier.verify(hs)).toMatchObject({ ok: true, session: { userId: 'u1' } });
  });
});
