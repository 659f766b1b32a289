import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WsSessionRegistry } from '../../src/auth/ws-session-registry.js';
import { UpgradeRefused } from '../../src/testing/ws-test-client.js';
import { type AuthTestApp, createAuthApp } from './support/auth-app.js';
import { bearer, generateTestKeys, hs } from './support/tokens.js';

const { secret } = generateTestKeys();

describe('token sources at connect', () => {
  let t: AuthTestApp;

  beforeAll(async () => {
    t = await createAuthApp({ secret, sources: { cookie: 'session', query: true } });
  });
  afterAll(() => t.close());

  async function whoamiOf(client: Awaited<ReturnType<AuthTestApp['connect']>>) {
    const reply = await client.request<{ data: { userId: string } }>('whoami');
    client.close();
    return reply.data.userId;
  }

  it('reads Authorization: Bearer', async () => {
    expect(await whoamiOf(await t.connect('/secure', bearer(hs(secret, 'by-header'))))).toBe(
      'by-header',
    );
  });

  it('reads the subprotocol pair and selects access_token, never the token', async () => {
    const client = await t.connect('/secure', {
      protocols: ['access_token', hs(secret, 'by-protocol')],
    });
    expect(client.socket.protocol).toBe('access_token');
    expect(await whoamiOf(client)).toBe('by-protocol');
  });

  it('reads the named cookie', async () => {
    const client = await t.connect('/secure', {
      headers: { Cookie: `theme=dark; session=${hs(secret, 'by-cookie')}` },
    });
    expect(await whoamiOf(client)).toBe('by-cookie');
  });

  it('reads the access_token query parameter when enabled', async () => {
    const client = await t.connect(`/secure?access_token=${hs(secret, 'by-query')}`);
    expect(await whoamiOf(client)).toBe('by-query');
  });

  it('takes the first source that holds a token, even a bad one', async () => {
    const client = await t.connect('/secure', {
      ...bearer('garbage'),
      protocols: ['access_token', hs(secret, 'later-source')],
    });
    await client.nextError('UNAUTHENTICATED');
    expect(await client.closed).toEqual({ code: 4401, reason: 'UNAUTHENTICATED' });
  });

  it('lets a gateway opt out with auth: false', async () => {
    const client = await t.connect('/open');
    expect(await client.request('echo', 'hi')).toMatchObject({ event: 'echo', data: 'hi' });
    client.close();
  });
});

describe('token sources off by default', () => {
  let t: AuthTestApp;

  beforeAll(async () => {
    t = await createAuthApp({ secret, firstMessage: false });
  });
  afterAll(() => t.close());

  it.each([
    ['the query parameter', { path: `/secure?access_token=${hs(secret, 'q')}`, options: {} }],
    [
      'a cookie',
      { path: '/secure', options: { headers: { Cookie: `access_token=${hs(secret, 'c')}` } } },
    ],
  ])('ignores %s', async (_name, { path, options }) => {
    const client = await t.connect(path, options);
    await client.nextError('UNAUTHENTICATED');
    expect(await client.closed).toEqual({ code: 4401, reason: 'UNAUTHENTICATED' });
  });
});

describe('refuseWithHttp: refusals answered before the upgrade', () => {
  let t: AuthTestApp;

  beforeAll(async () => {
    t = await createAuthApp({ secret, refuseWithHttp: true });
  });
  afterAll(() => t.close());

  it.each([
    ['a bad token', () => 'garbage', 'UNAUTHENTICATED'],
    ['an expired token', () => hs(secret, 'late', -5), 'TOKEN_EXPIRED'],
  ])('answers %s with HTTP 401 and a JSON code', async (_name, make, code) => {
    const refused = await t.connect('/secure', bearer(make())).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(UpgradeRefused);
    expect((refused as UpgradeRefused).status).toBe(401);
    expect(JSON.parse((refused as UpgradeRefused).body)).toEqual({ code });
  });

  it('answers a revoked user with HTTP 403 SESSION_REVOKED', async () => {
    await t.app.get(WsSessionRegistry).revokeUser('banned');
    const refused = await t
      .connect('/secure', bearer(hs(secret, 'banned')))
      .catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 403, body: '{"code":"SESSION_REVOKED"}' });
  });

  it('opens with a good token, verified once before the upgrade', async () => {
    const client = await t.connect('/secure', bearer(hs(secret, 'http-mode')));
    expect(await client.request('whoami')).toMatchObject({ data: { userId: 'http-mode' } });
    client.close();
  });

  it('still lets a client without a token authenticate with its first message', async () => {
    const client = await t.connect('/secure');
    expect(await client.request('auth', { token: hs(secret, 'late-auth') })).toMatchObject({
      event: 'auth',
      data: { userId: 'late-auth' },
    });
    client.close();
  });
});
