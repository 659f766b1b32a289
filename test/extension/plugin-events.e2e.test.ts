import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';
import { OpenProbeGateway, Recorder, SecureProbeGateway } from '../auth/support/auth.gateways.js';
import { generateTestKeys, hs } from '../auth/support/tokens.js';
import { GuardedGateway } from '../protection/support/guarded.gateway.js';
import { Clock, ServerTimePlugin } from './support/server-time.plugin.js';

const { secret } = generateTestKeys();

describe('events a plugin declares (SecureWsPlugin.events)', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('are answered with the envelope and the id, on a gateway without a handler of that name', async () => {
    t = await createTestApp({
      providers: [GuardedGateway, Clock, ServerTimePlugin],
      module: { plugins: [ServerTimePlugin] },
    });
    const client = await t.connect('/guarded?user=ada');
    client.send({ event: 'server.time', id: 'tick' });
    expect(await client.next()).toEqual({
      event: 'server.time',
      data: { now: 1_700_000_000_000 },
      id: 'tick',
    });
    client.send({ event: 'whoami.plugin', id: 2 });
    expect(await client.next()).toEqual({
      event: 'whoami.plugin',
      data: { userId: 'ada', path: '/guarded' },
      id: 2,
    });
    client.send({ event: 'plugin.fail', id: 3 });
    expect(await client.next()).toEqual({
      event: 'error',
      data: { code: 'FORBIDDEN', message: 'Not for you', event: 'plugin.fail' },
      id: 3,
    });
    client.send({ event: 'nobody.answers', id: 4 });
    expect((await client.nextError('UNKNOWN_EVENT')).id).toBe(4);
    client.close();
    // Asked once for the gateway, not per connection.
    const second = await t.connect('/guarded');
    expect((await second.request('server.time')).event).toBe('server.time');
    second.close();
    expect(t.app.get(ServerTimePlugin).askedFor).toEqual(['/guarded']);
  });

  it("lose to a gateway's own handler of the same name", async () => {
    t = await createTestApp({
      providers: [GuardedGateway, Clock, ServerTimePlugin],
      module: { plugins: [ServerTimePlugin] },
    });
    const client = await t.connect('/guarded');
    expect(await client.request('echo', 'mine')).toEqual({ event: 'echo', data: 'mine', id: '1' });
    client.close();
  });

  it("are answered at once, not queued behind the connection's slow handler", async () => {
    t = await createTestApp({
      providers: [GuardedGateway, Clock, ServerTimePlugin],
      module: { plugins: [ServerTimePlugin] },
    });
    const client = await t.connect('/guarded');
    client.send({ event: 'slow', data: 300, id: 'slow' });
    client.send({ event: 'server.time', id: 'now' });
    expect(await client.next()).toMatchObject({ event: 'server.time', id: 'now' });
    expect(await client.next()).toEqual({ event: 'slow', data: 'done', id: 'slow' });
    client.close();
  });

  it('are refused UNAUTHENTICATED before authentication, like any event, and answered after it', async () => {
    t = await createTestApp({
      providers: [Recorder, SecureProbeGateway, Clock, ServerTimePlugin],
      module: {
        auth: { secret, authTimeoutMs: 5000 },
        heartbeat: false,
        plugins: [ServerTimePlugin],
      },
    });
    const client = await t.connect('/secure');
    client.send({ event: 'whoami.plugin', id: 1 });
    expect(await client.next()).toEqual({
      event: 'error',
      data: {
        code: 'UNAUTHENTICATED',
        message: 'Authenticate first: send { "event": "auth", "data": { "token": "<jwt>" } }',
        event: 'whoami.plugin',
      },
      id: 1,
    });
    expect(await client.request('auth', { token: hs(secret, 'grace', 600) })).toMatchObject({
      event: 'auth',
      data: { userId: 'grace' },
    });
    client.send({ event: 'whoami.plugin', id: 3 });
    expect(await client.next()).toEqual({
      event: 'whoami.plugin',
      data: { userId: 'grace', path: '/secure' },
      id: 3,
    });
    client.close();
  });

  it("the module's auth event is a plugin event of authenticated gateways only", async () => {
    t = await createTestApp({
      providers: [Recorder, SecureProbeGateway, OpenProbeGateway],
      module: { auth: { secret }, heartbeat: false },
    });
    const token = hs(secret, 'lin', 600);
    const secure = await t.connect('/secure', { token });
    expect(await secure.request('auth', { token: hs(secret, 'lin', 900) })).toEqual({
      event: 'auth',
      data: { userId: 'lin', expiresAt: expect.any(Number) },
      id: '1',
    });
    secure.close();
    const open = await t.connect('/open');
    open.send({ event: 'auth', data: { token }, id: 9 });
    expect((await open.nextError('UNKNOWN_EVENT')).id).toBe(9);
    open.close();
  });
});
