import { type INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '../../src/app/token.js';
import { WsSessionRegistry } from '../../src/auth/ws-session-registry.js';
import { WsBus } from '../../src/bus/ws-bus.interface.js';
import { RedisServer } from '../../src/testing/redis-server.js';
import { WsTestClient } from '../../src/testing/ws-test-client.js';
import { bootReferenceApp, httpPort } from '../support/reference-app.js';
import { type RoomMessage } from './two-nodes.js';

const JWT_SECRET = 'rooms-reference-app-test-secret-0123456789';

describe('reference apps sharing REDIS_URL', () => {
  let redis: RedisServer;
  const apps: INestApplication[] = [];
  const clients: WsTestClient[] = [];

  async function startApp(): Promise<INestApplication> {
    const app = await bootReferenceApp({ JWT_SECRET, REDIS_URL: redis.url });
    apps.push(app);
    return app;
  }

  beforeAll(async () => {
    redis = await RedisServer.start();
    await startApp();
    await startApp();
  });
  afterAll(async () => {
    for (const client of clients) client.terminate();
    await Promise.all(apps.map((app) => app.close()));
    await redis?.stop();
  });

  async function connect(app: INestApplication | undefined, sub: string): Promise<WsTestClient> {
    if (!app) throw new Error('App did not start');
    const port = httpPort(app);
    const token = signToken(JWT_SECRET, { sub, ttlSeconds: 60 });
    const client = await WsTestClient.connect(`ws://127.0.0.1:${port}/ws`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    clients.push(client);
    return client;
  }

  it('carries room events from one app to the other, from the signed-in user', async () => {
    const [first, second] = apps;
    expect(first?.get<WsBus>(WsBus).health().transport).toBe('redis');
    await expect.poll(() => apps.every((app) => app.get<WsBus>(WsBus).isHealthy())).toBe(true);
    const ann = await connect(first, 'ann');
    const ben = await connect(second, 'ben');
    await ann.request('room.join', { room: 'general' });
    expect(await ben.request('room.join', { room: 'general' })).toEqual({
      event: 'room.joined',
      data: {
        room: 'general',
        members: ['ann', 'ben'],
        pos: { room: 'general', offset: 0, epoch: expect.any(String) },
      },
      id: '1',
    });

    ben.send({ event: 'room.send', data: { room: 'general', text: 'across apps' } });
    for (const client of [ann, ben]) {
      expect(await client.next<RoomMessage>()).toEqual({
        event: 'room.message',
        data: { room: 'general', from: 'ben', text: 'across apps', at: expect.any(Number) },
        pos: { room: 'general', offset: 1, epoch: expect.any(String) },
      });
    }
    expect(await ben.request('room.leave', { room: 'general' })).toEqual({
      event: 'room.left',
      data: { room: 'general' },
      id: '2',
    });
  });

  it('closes a user revoked on one app on every app, and refuses them on a node started later', async () => {
    const [first, second] = apps;
    const onFirst = await connect(first, 'cat');
    const onSecond = await connect(second, 'cat');
    const dan = await connect(second, 'dan');
    await first?.get(WsSessionRegistry).revokeUser('cat');
    for (const client of [onFirst, onSecond]) {
      await client.nextError('SESSION_REVOKED');
      expect(await client.closed).toEqual({ code: 4403, reason: 'SESSION_REVOKED' });
    }
    expect(await dan.request('whoami')).toMatchObject({ data: { userId: 'dan' } });

    const again = await connect(second, 'cat');
    await again.nextError('SESSION_REVOKED');
    expect(await again.closed).toEqual({ code: 4403, reason: 'SESSION_REVOKED' });

    const third = await startApp();
    await expect.poll(() => third.get<WsBus>(WsBus).isHealthy()).toBe(true);
    await expect
      .poll(async () => {
        const late = await connect(third, 'cat');
        return (await late.closed).code;
      })
      .toBe(4403);
  });
});
