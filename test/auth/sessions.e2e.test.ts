import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WsSessionRegistry } from '../../src/auth/ws-session-registry.js';
import { type WsTestClient } from '../../src/testing/ws-test-client.js';
import { type AuthTestApp, createAuthApp } from './support/auth-app.js';
import { bearer, generateTestKeys, hs, signJwt } from './support/tokens.js';

const { secret } = generateTestKeys();

async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('session expiry and refresh', () => {
  let t: AuthTestApp;

  beforeAll(async () => {
    t = await createAuthApp({ secret, expiringNoticeMs: 800 });
  });
  afterAll(() => t.close());

  it('pushes session.expiring before expiry, then closes TOKEN_EXPIRED 4401 on time', async () => {
    const client = await t.connect('/secure', bearer(hs(secret, 'brief', 2)));
    const { data } = await client.request<{ data: { expiresAt: number } }>('whoami');
    expect(await client.next(3000)).toEqual({
      event: 'session.expiring',
      data: { expiresAt: data.expiresAt },
    });
    expect(Date.now()).toBeLessThan(data.expiresAt);
    await client.nextError('TOKEN_EXPIRED', 3000);
    expect(Date.now()).toBeGreaterThanOrEqual(data.expiresAt - 50);
    expect(Date.now()).toBeLessThan(data.expiresAt + 1000);
    expect(await client.closed).toEqual({ code: 4401, reason: 'TOKEN_EXPIRED' });
  });

  it('moves the expiry when auth brings a fresh token for the same user', async () => {
    const client = await t.connect('/secure', bearer(hs(secret, 'renewer', 2, { jti: 'old' })));
    const before = await client.request<{ data: { expiresAt: number } }>('whoami');
    client.send({
      event: 'auth',
      data: { token: hs(secret, 'renewer', 600, { jti: 'new' }) },
      id: 'r',
    });
    const reply = await client.next<{ data: { expiresAt: number } }>();
    expect(reply).toEqual({
      event: 'auth',
      data: { userId: 'renewer', expiresAt: expect.any(Number) },
      id: 'r',
    });
    expect(reply.data.expiresAt).toBeGreaterThan(before.data.expiresAt + 500_000);
    expect(await client.quietFor(before.data.expiresAt - Date.now() + 300)).toBe(true);
    expect(await client.request('whoami')).toMatchObject({
      data: { userId: 'renewer', expiresAt: reply.data.expiresAt, tokenId: 'new' },
    });
    client.close();
  });

  it('after the notice, a refresh to a token of the same exp tells nothing again and ends on time', async () => {
    // 3-4 s left: the notice comes the full 800 ms before the end, the time the refresh has.
    const exp = Math.floor(Date.now() / 1000) + 4;
    const token = (jti: string) => signJwt({ sub: 'same-end', exp, jti }, { key: secret });
    const client = await t.connect('/secure', bearer(token('first')));
    const { data } = await client.request<{ data: { expiresAt: number } }>('whoami');
    expect(data.expiresAt).toBe(exp * 1000);
    expect(await client.next(4000)).toEqual({
      event: 'session.expiring',
      data: { expiresAt: exp * 1000 },
    });
    client.send({ event: 'auth', data: { token: token('second') }, id: 'r' });
    expect(await client.next()).toEqual({
      event: 'auth',
      data: { userId: 'same-end', expiresAt: exp * 1000 },
      id: 'r',
    });
    // The next frame is the expiry, not a second notice.
    await client.nextError('TOKEN_EXPIRED', 3000);
    expect(Date.now()).toBeGreaterThanOrEqual(exp * 1000 - 50);
    expect(Date.now()).toBeLessThan(exp * 1000 + 1000);
    expect(await client.closed).toEqual({ code: 4401, reason: 'TOKEN_EXPIRED' });
  });

  it('refuses a token of another user FORBIDDEN and keeps the session', async () => {
    const client = await t.connect('/secure', bearer(hs(secret, 'owner')));
    client.send({ event: 'auth', data: { token: hs(secret, 'intruder') }, id: 9 });
    expect(await client.next()).toEqual({
      event: 'error',
      data: { code: 'FORBIDDEN', message: 'Token is for another user', event: 'auth' },
      id: 9,
    });
    expect(await client.request('whoami')).toMatchObject({ data: { userId: 'owner' } });
    client.close();
  });

  it('closes 4401 when a refresh brings an expired token', async () => {
    const client = await t.connect('/secure', bearer(hs(secret, 'sloppy')));
    client.send({ event: 'auth', data: { token: hs(secret, 'sloppy', -5) } });
    await client.nextError('TOKEN_EXPIRED');
    expect(await client.closed).toEqual({ code: 4401, reason: 'TOKEN_EXPIRED' });
  });
});

describe('revocation', () => {
  let t: AuthTestApp;
  let sessions: WsSessionRegistry;

  beforeAll(async () => {
    t = await createAuthApp({ secret });
    sessions = t.app.get(WsSessionRegistry);
  });
  afterAll(() => t.close());

  it('closes every live session of a revoked user 4403 and refuses their reconnect', async () => {
    const alice1 = await t.connect('/secure', bearer(hs(secret, 'alice')));
    const alice2 = await t.connect('/secure', bearer(hs(secret, 'alice')));
    const bob = await t.connect('/secure', bearer(hs(secret, 'bob')));
    await bob.request('whoami');
    expect(sessions.connectionsOf('alice')).toHaveLength(2);
    await sessions.revokeUser('alice', { untilMs: Date.now() + 60_000 });
    for (const client of [alice1, alice2]) {
      await client.nextError('SESSION_REVOKED');
      expect(await client.closed).toEqual({ code: 4403, reason: 'SESSION_REVOKED' });
    }
    expect(await bob.request('echo', 'still')).toMatchObject({ data: 'still' });
    const again = await t.connect('/secure', bearer(hs(secret, 'alice')));
    await again.nextError('SESSION_REVOKED');
    expect(await again.closed).toEqual({ code: 4403, reason: 'SESSION_REVOKED' });
    bob.close();
  });

  it('closes the sessions of a revoked token id and refuses it, not the user', async () => {
    const revoked = await t.connect('/secure', bearer(hs(secret, 'carol', 600, { jti: 'j-1' })));
    const other = await t.connect('/secure', bearer(hs(secret, 'carol', 600, { jti: 'j-2' })));
    await other.request('whoami');
    await sessions.revokeToken('j-1');
    await revoked.nextError('SESSION_REVOKED');
    expect(await revoked.closed).toEqual({ code: 4403, reason: 'SESSION_REVOKED' });
    expect(await other.request('whoami')).toMatchObject({ data: { tokenId: 'j-2' } });
    const replay = await t.connect('/secure', bearer(hs(secret, 'carol', 600, { jti: 'j-1' })));
    await replay.nextError('SESSION_REVOKED');
    expect(await replay.closed).toEqual({ code: 4403, reason: 'SESSION_REVOKED' });
    const fresh = await t.connect('/secure', bearer(hs(secret, 'carol', 600, { jti: 'j-3' })));
    expect(await fresh.request('whoami')).toMatchObject({ data: { tokenId: 'j-3' } });
    other.close();
    fresh.close();
  });

  it('closes every connection that shares a revoked token id, and then a lone one', async () => {
    const shared = [1, 2, 3].map(() =>
      t.connect('/secure', bearer(hs(secret, 'gina', 600, { jti: 'g-shared' }))),
    );
    const [first, second, third] = await Promise.all(shared);
    const lone = await t.connect('/secure', bearer(hs(secret, 'gina', 600, { jti: 'g-lone' })));
    await lone.request('whoami');
    // The middle one leaves first: the token id keeps the two others.
    second?.close();
    await until(() => sessions.connectionsOf('gina').length === 3);
    await sessions.revokeToken('g-shared');
    for (const client of [first, third]) {
      await client?.nextError('SESSION_REVOKED');
      expect(await client?.closed).toEqual({ code: 4403, reason: 'SESSION_REVOKED' });
    }
    expect(sessions.connectionsOf('gina')).toHaveLength(1);
    await sessions.revokeToken('g-lone');
    await lone.nextError('SESSION_REVOKED');
    expect(await lone.closed).toEqual({ code: 4403, reason: 'SESSION_REVOKED' });
    expect(sessions.connectionsOf('gina')).toHaveLength(0);
    expect(sessions.users()).not.toContain('gina');
  });

  it('refuses a refresh with a revoked token id', async () => {
    const client = await t.connect('/secure', bearer(hs(secret, 'dave', 600, { jti: 'd-1' })));
    await sessions.revokeToken('d-2');
    client.send({ event: 'auth', data: { token: hs(secret, 'dave', 600, { jti: 'd-2' }) } });
    await client.nextError('SESSION_REVOKED');
    expect(await client.closed).toEqual({ code: 4403, reason: 'SESSION_REVOKED' });
  });
});

describe('connections per user', () => {
  it('refuses the newest over the cap, TOO_MANY_CONNECTIONS 4429', async () => {
    const t = await createAuthApp({ secret, maxConnectionsPerUser: 2 });
    const sessions = t.app.get(WsSessionRegistry);
    const first = await t.connect('/secure', bearer(hs(secret, 'erin')));
    await t.connect('/secure', bearer(hs(secret, 'erin')));
    const third = await t.connect('/secure', bearer(hs(secret, 'erin')));
    expect(await third.nextError('TOO_MANY_CONNECTIONS')).toMatchObject({
      message: 'Too many connections for this user',
    });
    expect(await third.closed).toEqual({ code: 4429, reason: 'TOO_MANY_CONNECTIONS' });
    first.close();
    await until(() => sessions.connectionsOf('erin').length === 1);
    const fourth = await t.connect('/secure', bearer(hs(secret, 'erin')));
    expect(await fourth.request('whoami')).toMatchObject({ data: { userId: 'erin' } });
    await t.close();
  });

  it('with a cap of one, each new connection replaces the one before', async () => {
    const t = await createAuthApp({
      secret,
      maxConnectionsPerUser: 1,
      whenOverUserLimit: 'close-oldest',
    });
    const sessions = t.app.get(WsSessionRegistry);
    let current = await t.connect('/secure', bearer(hs(secret, 'hana')));
    await current.request('whoami');
    for (let i = 0; i < 3; i++) {
      const next = await t.connect('/secure', bearer(hs(secret, 'hana')));
      expect(await current.nextError('SESSION_REVOKED')).toMatchObject({
        message: 'Replaced by a newer connection',
      });
      expect(await current.closed).toEqual({ code: 4403, reason: 'SESSION_REVOKED' });
      expect(await next.request('whoami')).toMatchObject({ data: { userId: 'hana' } });
      expect(sessions.connectionsOf('hana')).toHaveLength(1);
      current = next;
    }
    await t.close();
  });

  it('closes the oldest over the cap with close-oldest', async () => {
    const t = await createAuthApp({
      secret,
      maxConnectionsPerUser: 2,
      whenOverUserLimit: 'close-oldest',
    });
    const clients: WsTestClient[] = [];
    for (let i = 0; i < 2; i++) {
      const client = await t.connect('/secure', bearer(hs(secret, 'fred')));
      await client.request('whoami');
      clients.push(client);
    }
    const newest = await t.connect('/secure', bearer(hs(secret, 'fred')));
    expect(await clients[0]?.nextError('SESSION_REVOKED')).toMatchObject({
      message: 'Replaced by a newer connection',
    });
    expect(await clients[0]?.closed).toEqual({ code: 4403, reason: 'SESSION_REVOKED' });
    expect(await newest.request('whoami')).toMatchObject({ data: { userId: 'fred' } });
    expect(await clients[1]?.request('whoami')).toMatchObject({ data: { userId: 'fred' } });
    await t.close();
  });
});
