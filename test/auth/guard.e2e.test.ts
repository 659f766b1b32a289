import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, createAuthApp } from './support/auth-app.js';
import { bearer, generateTestKeys, hs } from './support/tokens.js';

const { secret } = generateTestKeys();

describe('per-message authorization: WsAuthGuard', () => {
  let t: AuthTestApp;

  beforeAll(async () => {
    t = await createAuthApp({ secret });
  });
  afterAll(() => t.close());

  it.each([
    ['admin', { roles: ['admin'] }, 'admin ok'],
    ['admin', { roles: 'admin' }, 'admin ok'],
    ['write', { scope: 'chat:read chat:write' }, 'write ok'],
    ['write', { scp: ['chat:write'] }, 'write ok'],
    ['tenant', { tenant: 'a' }, 'tenant ok'],
  ])('lets %s through with the claims %j', async (event, extra, reply) => {
    const client = await t.connect('/secure', bearer(hs(secret, 'granted', 600, extra)));
    expect(await client.request(event)).toEqual({ event, data: reply, id: '1' });
    client.close();
  });

  it.each([
    ['admin', { roles: ['user'] }, 'Missing a required role'],
    ['write', { scope: 'chat:read' }, 'Missing a required scope'],
    ['tenant', { tenant: 'b' }, 'Missing a required claim'],
  ])(
    'answers %s FORBIDDEN without the claims and keeps the connection',
    async (event, extra, message) => {
      const client = await t.connect('/secure', bearer(hs(secret, 'limited', 600, extra)));
      expect(await client.request(event)).toEqual({
        event: 'error',
        data: { code: 'FORBIDDEN', message, event },
        id: '1',
      });
      expect(await client.request('echo', 'open')).toMatchObject({ event: 'echo', data: 'open' });
      client.close();
    },
  );

  it('gives handlers the session through @WsUser()', async () => {
    const client = await t.connect('/secure', bearer(hs(secret, 'me', 600, { jti: 'tid' })));
    expect(await client.request('whoami')).toEqual({
      event: 'whoami',
      data: { userId: 'me', expiresAt: expect.any(Number), tokenId: 'tid' },
      id: '1',
    });
    client.close();
  });
});
