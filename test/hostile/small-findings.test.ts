import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecureWsAdapter } from '../../src/adapter/secure-ws.adapter.js';
import { signToken } from '../../src/app/token.js';
import { ConnectionRegistry } from '../../src/connection/connection-registry.js';
import { OperationsServer } from '../../src/operations/operations-server.js';
import { addressGroup } from '../../src/protection/address-group.js';
import { WsRooms } from '../../src/rooms/ws-rooms.service.js';
import { WsTestClient } from '../../src/testing/ws-test-client.js';
import { hs, nowSec, signJwt } from '../auth/support/tokens.js';
import { createHostileApp, HOSTILE_DEFAULTS, type HostileApp } from './support/hostile-app.js';
import { rawHttp, upgradeRequest } from './support/raw-socket.js';
import { type ReferenceApp, startReferenceApp } from './support/reference-app.js';

const SECRET = 'hostile-small-findings-secret-0123456789abcdef';
const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });

describe('the smaller findings, on the module', () => {
  let t: HostileApp;
  beforeAll(async () => {
    t = await createHostileApp({ auth: { secret: SECRET } });
  });
  afterAll(() => t.close());

  it.each([
    ['Content-Length', { 'Content-Length': '5' }],
    ['Transfer-Encoding', { 'Transfer-Encoding': 'chunked' }],
  ])('refuses an upgrade with a body (%s) 400 and never reads it as frames', async (_, headers) => {
    const answer = await rawHttp(t.port, `${upgradeRequest('/hostile', headers)}hello`);
    expect(answer.status).toBe(400);
    expect(answer.body).toBe('{"code":"BAD_REQUEST"}');
  });

  it('refuses a numeric sub, and a token whose exp lies past the maximum lifetime', async () => {
    const numeric = signJwt({ sub: 42, exp: nowSec() + 600 }, { key: SECRET });
    const absurd = signJwt({ sub: 'alice', exp: Number.MAX_VALUE }, { key: SECRET });
    for (const token of [numeric, absurd]) {
      const client = await WsTestClient.connect(t.url('/hostile'), bearer(token));
      await client.nextError('UNAUTHENTICATED');
      expect(await client.closed).toEqual({ code: 4401, reason: 'UNAUTHENTICATED' });
    }
  });

  it('never repeats a client string longer than a short cap in a validation reply', async () => {
    const client = await WsTestClient.connect(t.url('/hostile'), bearer(hs(SECRET, 'bob')));
    const key = 'k'.repeat(10 * 1024);
    client.socket.send(
      JSON.stringify({ event: 'profile.update', data: { email: 'a@b.co', [key]: 1 }, id: 1 }),
    );
    const raw = (await client.nextRaw()).toString();
    expect(JSON.parse(raw)).toMatchObject({ data: { code: 'VALIDATION_FAILED' } });
    expect(raw.length).toBeLessThan(1024);
    client.close();
  });

  it('answers 503 SHUTTING_DOWN, not 404, between the adapter closing and the listener closing', async () => {
    const own = await createHostileApp();
    try {
      own.app.get(ConnectionRegistry).shuttingDown = true;
      await own.app.get(SecureWsAdapter).dispose();
      const answer = await rawHttp(own.port, upgradeRequest('/hostile'));
      expect(answer.status).toBe(503);
      expect(answer.body).toBe('{"code":"SHUTTING_DOWN"}');
    } finally {
      await own.close();
    }
  });

  it('groups IPv6 clients by /64 for the per-address caps', async () => {
    expect(addressGroup('2001:db8:0:1:aaaa::1', 64)).toBe('2001:db8:0:1:0:0:0:0/64');
    expect(addressGroup('2001:db8:0:1::ffff', 64)).toBe('2001:db8:0:1:0:0:0:0/64');
    expect(addressGroup('2001:db8:0:2::1', 64)).toBe('2001:db8:0:2:0:0:0:0/64');
    expect(addressGroup('::ffff:10.0.0.1', 128)).toBe('::ffff:10.0.0.1');
    expect(addressGroup('192.0.2.7', 64)).toBe('192.0.2.7');
    const capped = await createHostileApp({
      protection: {
        ...HOSTILE_DEFAULTS.protection,
        trustedProxies: ['127.0.0.1'],
        maxConnectionsPerAddress: 1,
      },
    });
    try {
      const from = (address: string) =>
        rawHttp(capped.port, upgradeRequest('/hostile', { 'X-Forwarded-For': address }), 500);
      const first = await WsTestClient.connect(capped.url('/hostile'), {
        headers: { 'X-Forwarded-For': '2001:db8:0:1::1' },
      });
      expect((await from('2001:db8:0:1::2')).status).toBe(429);
      expect((await from('2001:db8:0:2::1')).status).toBe(101);
      first.close();
    } finally {
      await capped.close();
    }
  });
});

describe('the smaller findings, on the reference app', () => {
  let ref: ReferenceApp;
  beforeAll(async () => {
    ref = await startReferenceApp({ JWT_SECRET: SECRET });
  });
  afterAll(() => ref.close());

  it('serves no X-Powered-By banner', async () => {
    const answer = await rawHttp(
      ref.port,
      'GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    expect(answer.status).toBe(200);
    expect(answer.headers.toLowerCase()).not.toContain('x-powered-by');
  });

  it('serves metrics and detailed health on the loopback operations address only', async () => {
    const get = (port: number, path: string) =>
      rawHttp(port, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    for (const path of ['/metrics', '/health', '/health/ready']) {
      expect((await get(ref.port, path)).status, path).toBe(404);
    }
    expect((await get(ref.port, '/health/live')).status).toBe(200);
    expect(ref.app.get(OperationsServer).address()?.address).toBe('127.0.0.1');
    const metrics = await get(ref.opsPort, '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('nodejs_version_info');
    expect((await get(ref.opsPort, '/health')).status).toBe(200);
    expect((await get(ref.opsPort, '/health/ready')).status).toBe(200);
  });

  it('answers room.join with a member count and a bounded list', async () => {
    const rooms = ref.app.get(WsRooms);
    const clients = await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        WsTestClient.connect(
          `ws://127.0.0.1:${ref.port}/ws`,
          bearer(
            signToken(SECRET, { sub: `member-${String(i).padStart(3, '0')}`, ttlSeconds: 600 }),
          ),
        ),
      ),
    );
    for (const connection of ref.registry.all()) await rooms.join(connection, 'big');
    const late = await WsTestClient.connect(
      `ws://127.0.0.1:${ref.port}/ws`,
      bearer(signToken(SECRET, { sub: 'zed', ttlSeconds: 600 })),
    );
    const reply = await late.request<{ data: { memberCount: number; members: string[] } }>(
      'room.join',
      { room: 'big' },
    );
    expect(reply.data.memberCount).toBe(121);
    expect(reply.data.members).toHaveLength(50);
    expect(JSON.stringify(reply).length).toBeLessThan(2048);
    for (const client of [...clients, late]) client.close();
  });
});
