import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '../../src/app/token.js';
import {
  type WsClientError,
  type WsClientState,
  WsCloseCode,
  WsErrorCode,
} from '../../src/client/index.js';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';
import { reaches, wsClients } from '../support/ws-clients.js';
import { SessionProbeGateway } from './support/session-probe.gateway.js';

const SECRET = 'client-auth-test-secret-0123456789abcdef';
const token = (sub: string, ttlSeconds = 600) => signToken(SECRET, { sub, ttlSeconds });

describe('WsClient with the module’s JWT authentication', () => {
  let t: TestApp;
  const clients = wsClients(() => t.url('/session'));
  const client = clients.make;

  beforeAll(async () => {
    t = await createTestApp({
      providers: [SessionProbeGateway],
      // A session.expiring notice 3 s before expiry.
      module: { auth: { secret: SECRET, expiringNoticeMs: 3000 }, heartbeat: false },
    });
  });
  afterAll(async () => {
    clients.closeAll();
    await t.close();
  });

  it.each([
    ['header', 'ann'],
    ['protocol', 'bob'],
    ['message', 'cyd'],
  ] as const)('authenticates with the token as a %s', async (tokenTransport, user) => {
    const c = client({ getToken: () => token(user), tokenTransport });
    await c.connect();
    expect(await c.request('whoami')).toMatchObject({ userId: user });
    if (tokenTransport === 'message') expect(c.session?.userId).toBe(user);
  });

  it('is told UNAUTHENTICATED and closed 4401 on a bad token, and does not reconnect', async () => {
    // The socket opens, then the server refuses: a browser could not read an HTTP 401.
    const c = client({ token: 'not-a-jwt' });
    const refused = new Promise<WsClientError>((resolve) => c.on('error', resolve));
    const closed = reaches(c, 'closed');
    await c.connect();
    expect((await refused).code).toBe(WsErrorCode.UNAUTHENTICATED);
    expect(await closed).toEqual({
      code: WsCloseCode.UNAUTHENTICATED,
      reason: WsErrorCode.UNAUTHENTICATED,
    });
  });

  it('refreshes on session.expiring with a fresh token, and the session outlives the first one', async () => {
    const tokens = [token('dee', 5), token('dee', 600)];
    const c = client({ getToken: () => tokens.shift() ?? token('dee', 600) });
    await c.connect();
    const first = (await c.request<{ expiresAt: number }>('whoami')).expiresAt;
    const states: WsClientState[] = [];
    c.onStateChange((state) => states.push(state));
    const expiring = new Promise<{ expiresAt: number }>((resolve) =>
      c.on('session.expiring', resolve),
    );
    expect((await expiring).expiresAt).toBe(first);
    await expect
      .poll(() => c.session?.expiresAt, { timeout: 5000 })
      .toBeGreaterThan(first + 500_000);
    expect((await c.request<{ expiresAt: number }>('whoami')).expiresAt).toBe(c.session?.expiresAt);
    expect(states).toEqual([]); // the same connection all along
  });

  it('after TOKEN_EXPIRED (4401), reconnects with a fresh token from getToken()', async () => {
    const tokens = [token('eve', 1)];
    const c = client({
      getToken: () => tokens.shift() ?? token('eve', 600),
      refreshOnExpiring: false,
    });
    await c.connect();
    const expired = new Promise<WsClientError>((resolve) => c.on('error', resolve));
    const reconnecting = reaches(c, 'reconnecting');
    expect((await expired).code).toBe(WsErrorCode.TOKEN_EXPIRED);
    expect(await reconnecting).toEqual({ code: 4401, reason: WsErrorCode.TOKEN_EXPIRED });
    await reaches(c, 'open');
    expect(await c.request('whoami')).toMatchObject({ userId: 'eve' });
  });

  it('stops after TOKEN_EXPIRED when getToken() has nothing fresher', async () => {
    const stale = token('fay', 1);
    const c = client({ getToken: () => stale, refreshOnExpiring: false });
    await c.connect();
    expect(await reaches(c, 'closed')).toEqual({
      code: WsCloseCode.UNAUTHENTICATED,
      reason: WsErrorCode.TOKEN_EXPIRED,
    });
  });

  it('stops after a revocation (4403), even with a token at hand', async () => {
    const c = client({ getToken: () => token('gus') });
    await c.connect();
    const closed = reaches(c, 'closed');
    c.send('revoke.me');
    expect(await closed).toEqual({
      code: WsCloseCode.SESSION_REVOKED,
      reason: WsErrorCode.SESSION_REVOKED,
    });
    expect(c.state).toBe('closed');
  });
});
