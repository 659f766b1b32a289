import { type AddressInfo } from 'node:net';
import { type INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.js';
import { createReferenceApp } from '../../src/app/create-app.js';
import { WsBus } from '../../src/bus/ws-bus.interface.js';
import { captureLogs } from '../../src/testing/log-capture.js';
import { WsTestClient } from '../../src/testing/ws-test-client.js';
import { RedisServer } from '../support/redis-server.js';
import { type RoomMessage } from './two-nodes.js';

describe('two reference apps with REDIS_URL', () => {
  let redis: RedisServer;
  const apps: INestApplication[] = [];
  const clients: WsTestClient[] = [];

  beforeAll(async () => {
    redis = await RedisServer.start();
    for (let i = 0; i < 2; i++) {
      const config = loadConfig({
        PORT: '0',
        SEED_ECHO_PORT: '0',
        SEED_SECURE_PORT: '0',
        REDIS_URL: redis.url,
      });
      apps.push(await createReferenceApp(config, captureLogs().logger));
    }
  });
  afterAll(async () => {
    for (const client of clients) client.terminate();
    await Promise.all(apps.map((app) => app.close()));
    await redis?.stop();
  });

  async function connect(app: INestApplication | undefined): Promise<WsTestClient> {
    if (!app) throw new Error('App did not start');
    const port = (app.getHttpServer().address() as AddressInfo).port;
    const client = await WsTestClient.connect(`ws://127.0.0.1:${port}/ws`);
    clients.push(client);
    return client;
  }

  it('uses Redis, and carries room events from one app to the other', async () => {
    const [first, second] = apps;
    expect(first?.get<WsBus>(WsBus).health().transport).toBe('redis');
    await expect.poll(() => apps.every((app) => app.get<WsBus>(WsBus).isHealthy())).toBe(true);
    const one = await connect(first);
    const two = await connect(second);
    await one.request('room.join', { room: 'general' });
    const joined = await two.request<{ data: { members: string[] } }>('room.join', {
      room: 'general',
    });
    expect(joined.data.members).toHaveLength(2);

    two.send({ event: 'room.send', data: { room: 'general', text: 'across apps' } });
    for (const client of [one, two]) {
      expect((await client.next<RoomMessage>()).data.text).toBe('across apps');
    }
    expect(await two.request('room.leave', { room: 'general' })).toEqual({
      event: 'room.left',
      data: { room: 'general' },
      id: '2',
    });
  });
});
