import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ClientErrorCode,
  WsClient,
  type WsClientError,
  WsCloseCode,
  WsErrorCode,
} from '../../src/client/index.js';
import * as serverCodes from '../../src/errors/error-codes.js';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';
import { reaches, rejection, wsClients } from '../support/ws-clients.js';
import { ClientProbeGateway } from './support/client-probe.gateway.js';

it('exports the very code tables the server uses', () => {
  expect(WsErrorCode).toBe(serverCodes.WsErrorCode);
  expect(WsCloseCode).toBe(serverCodes.WsCloseCode);
});

describe('WsClient against a real server', () => {
  let t: TestApp;
  const clients = wsClients(() => t.url('/client'));
  const client = clients.make;

  beforeEach(async () => {
    t = await createTestApp({ providers: [ClientProbeGateway] });
  });
  afterEach(async () => {
    clients.closeAll();
    await t.close();
  });

  it('fails connect() for good on a URL the WebSocket class refuses', async () => {
    const c = client({ url: 'http://not a url' });
    const error = await rejection(c.connect());
    expect(error.code).toBe(ClientErrorCode.CLOSED);
    expect(c.state).toBe('closed');
  });

  it('matches replies to requests by id, whatever order they come back in', async () => {
    const c = client();
    await c.connect();
    const replies = await Promise.all([
      c.request('echo', { n: 1 }),
      c.request('profile.update', { email: 'a@b.co' }),
      c.request('echo', 'three'),
    ]);
    expect(replies).toEqual([{ n: 1 }, { email: 'a@b.co' }, 'three']);
  });

  it('rejects with the contract code, message and details', async () => {
    const c = client();
    await c.connect();
    const invalid = await rejection(c.request('profile.update', { email: 'nope' }));
    expect(invalid).toMatchObject({
      name: 'WsClientError',
      code: WsErrorCode.VALIDATION_FAILED,
      event: 'profile.update',
      details: [{ path: 'email', constraints: ['email must be an email'] }],
    });
    const unknown = await rejection(c.request('no.such.event'));
    expect(unknown.code).toBe(WsErrorCode.UNKNOWN_EVENT);
    expect(unknown.event).toBe('no.such.event');
    // The connection stays usable after errors.
    expect(await c.request('echo', 'still here')).toBe('still here');
  });

  it('times out a request with no reply, client-side', async () => {
    const c = client();
    await c.connect();
    const timedOut = await rejection(c.request('ignore', undefined, { timeoutMs: 50 }));
    expect(timedOut.code).toBe(ClientErrorCode.TIMEOUT);
    expect(timedOut.event).toBe('ignore');
    expect(c.state).toBe('open');
  });

  it('delivers pushes to on() listeners until unsubscribed', async () => {
    const c = client();
    await c.connect();
    const seen: unknown[] = [];
    const second = new Promise<void>((resolve) => {
      const off = c.on<{ n: number }>('news', (data, frame) => {
        seen.push(data);
        expect(frame.event).toBe('news');
        if (data.n === 2) {
          off();
          resolve();
        }
      });
    });
    expect(await c.request('subscribe')).toBe('ok');
    await second;
    expect(seen).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('sends the token as an Authorization header with ws, as a subprotocol when asked', async () => {
    const byHeader = client({ token: 'tok-1' });
    await byHeader.connect();
    expect(await byHeader.request('handshake')).toEqual({
      authorization: 'Bearer tok-1',
      protocol: '',
    });
    const byProtocol = client({ token: 'tok-2', tokenTransport: 'protocol' });
    await byProtocol.connect();
    expect(await byProtocol.request('handshake')).toEqual({
      authorization: null,
      protocol: 'access_token',
    });
  });

  it('authenticates with a first auth message when asked, before any request', async () => {
    const c = client({ getToken: () => 'tok-3', tokenTransport: 'message' });
    const connected = c.connect();
    const pending = c.request('echo', 'queued');
    await connected;
    expect(c.session).toEqual({ userId: 'user-of-tok-3', expiresAt: 5678 });
    expect(await pending).toBe('queued');
    expect(await c.request('handshake')).toEqual({ authorization: null, protocol: '' });
  });

  it('reconnects after a server restart on the same port, with a fresh token', async () => {
    let issued = 0;
    const c = client({ getToken: () => `tok-${++issued}` });
    await c.connect();
    const port = t.port;
    const reconnecting = reaches(c, 'reconnecting');
    await t.close();
    expect(await reconnecting).toEqual({ code: 1001, reason: WsErrorCode.SHUTTING_DOWN });
    t = await createTestApp({ providers: [ClientProbeGateway], port });
    await reaches(c, 'open');
    expect(await c.request('handshake')).toMatchObject({ authorization: `Bearer tok-${issued}` });
    expect(issued).toBeGreaterThanOrEqual(2);
  });

  it('does not reconnect after a 4403 close, and says why', async () => {
    const c = client({ getToken: () => 'tok' });
    await c.connect();
    const closed = reaches(c, 'closed');
    const revoked = new Promise<WsClientError>((resolve) => c.on('error', resolve));
    void c.request('revoke.me').catch(() => undefined);
    expect(await closed).toEqual({ code: WsCloseCode.SESSION_REVOKED, reason: 'SESSION_REVOKED' });
    expect((await revoked).code).toBe(WsErrorCode.SESSION_REVOKED);
    const after = await rejection(c.request('echo', 1));
    expect(after.code).toBe(ClientErrorCode.CLOSED);
    expect(await stillClosedAfter(c, 150)).toBe(true);
  });

  it('after a 4401 close, reconnects only when getToken() gives a fresh token', async () => {
    const tokens = ['old', 'new'];
    const c = client({ getToken: () => tokens[0] });
    await c.connect();
    tokens.shift();
    const reopened = reaches(c, 'reconnecting').then(() => reaches(c, 'open'));
    void c.request('expire.me').catch(() => undefined);
    await reopened;
    expect(await c.request('handshake')).toMatchObject({ authorization: 'Bearer new' });

    const closed = reaches(c, 'closed');
    void c.request('expire.me').catch(() => undefined);
    expect(await closed).toEqual({
      code: WsCloseCode.UNAUTHENTICATED,
      reason: WsErrorCode.TOKEN_EXPIRED,
    });
  });

  it('answers session.expiring with auth and the fresh token from getToken()', async () => {
    let issued = 0;
    const c = client({ getToken: () => `tok-${++issued}`, tokenTransport: 'message' });
    await c.connect();
    expect(c.session?.userId).toBe('user-of-tok-1');
    const expiring = new Promise((resolve) => c.on('session.expiring', resolve));
    expect(await c.request('expiring')).toBe('sent');
    expect(await expiring).toEqual({ expiresAt: 1234 });
    await expect.poll(() => c.session?.userId).toBe('user-of-tok-2');
    expect(t.app.get(ClientProbeGateway).tokens).toEqual(['tok-1', 'tok-2']);
  });

  it('rejects what is in flight when the connection drops, and queues what is new', async () => {
    const c = client();
    await c.connect();
    const port = t.port;
    const lost = rejection(c.request('ignore'));
    await t.close();
    // Closed 1001 SHUTTING_DOWN: the close's reason is the rejection's code.
    expect(await lost).toMatchObject({ code: 'SHUTTING_DOWN', details: { closeCode: 1001 } });
    const queued = c.request('echo', 'after restart');
    t = await createTestApp({ providers: [ClientProbeGateway], port });
    expect(await queued).toBe('after restart');
  });

  it('rejects a request cut by a dropped connection with CONNECTION_LOST, then reconnects', async () => {
    const c = client();
    await c.connect();
    const reconnecting = reaches(c, 'reconnecting');
    const lost = await rejection(c.request('drop.me'));
    expect(lost).toMatchObject({
      code: ClientErrorCode.CONNECTION_LOST,
      details: { closeCode: 1006 },
    });
    expect(await reconnecting).toEqual({ code: 1006, reason: '' });
    expect(await c.request('echo', 'back')).toBe('back');
  });
});

async function stillClosedAfter(client: WsClient, ms: number): Promise<boolean> {
  let changed = false;
  const off = client.onStateChange(() => {
    changed = true;
  });
  await new Promise((resolve) => setTimeout(resolve, ms));
  off();
  return !changed && client.state === 'closed';
}
