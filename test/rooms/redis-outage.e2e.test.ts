import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BusHealth } from '../../src/bus/ws-bus.interface.js';
import { WsRooms } from '../../src/rooms/ws-rooms.service.js';
import { RedisServer } from '../../src/testing/redis-server.js';
import { type TestApp } from '../../src/testing/test-app.js';
import { busOf, healthOf, metricOf, type RoomMessage, sayInLobby, startNode } from './two-nodes.js';

describe('Redis goes away and comes back', () => {
  let redis: RedisServer;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    redis = await RedisServer.start();
    [a, b] = await Promise.all([startNode({ url: redis.url }), startNode({ url: redis.url })]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await redis?.stop();
  });

  it('keeps local delivery, reports degraded, then resumes across nodes without a restart', async () => {
    const alice = await a.connect('/ws?user=alice');
    const anna = await a.connect('/ws?user=anna');
    const bob = await b.connect('/ws?user=bob');
    await expect.poll(() => busOf(a).isHealthy() && busOf(b).isHealthy()).toBe(true);
    for (const client of [alice, anna, bob]) await client.request('room.join', { room: 'lobby' });
    expect(await healthOf(a)).toMatchObject({
      status: 200,
      body: { ready: true, info: { redis: { status: 'up', state: 'up', transport: 'redis' } } },
    });
    expect(await metricOf(a, 'secure_ws_bus_up')).toBe(1);
    expect(await metricOf(a, 'secure_ws_rooms_local')).toBe(1);
    sayInLobby(alice, 'before');
    for (const client of [alice, anna, bob]) {
      expect((await client.next<RoomMessage>()).data.text).toBe('before');
    }

    let resumedA = 0;
    let resumedB = 0;
    busOf(a).onResume(() => {
      resumedA += 1;
    });
    busOf(b).onResume(() => {
      resumedB += 1;
    });
    const resumedBefore = [resumedA, resumedB];
    await redis.stop();
    await expect.poll(() => busOf(a).isHealthy()).toBe(false);
    // Written while Redis is away: kept on this node, written back later.
    await busOf(a).expiring.add('revoked', 'mallory', Date.now() + 60_000);
    expect((await busOf(a).expiring.list('revoked')).map((entry) => entry.member)).toEqual([
      'mallory',
    ]);
    expect(busOf(a).health()).toMatchObject({ transport: 'redis', status: 'degraded' });
    expect(await healthOf(a)).toMatchObject({
      status: 503,
      body: { ready: false, error: { redis: { status: 'down', state: 'degraded' } } },
    });

    // Local members still get every message, in order, while Redis is away.
    for (let i = 0; i < 5; i++) sayInLobby(alice, `during ${i}`);
    for (const client of [alice, anna]) {
      for (let i = 0; i < 5; i++) {
        expect((await client.next<RoomMessage>()).data.text).toBe(`during ${i}`);
      }
    }
    expect(await bob.quietFor(200)).toBe(true);
    // Presence falls back to this node's own members.
    expect((await busOf(a).presence.members('lobby')).length).toBe(2);
    expect(await alice.request('whoami')).toMatchObject({ event: 'whoami' });
    const health: BusHealth = busOf(a).health();
    expect(health.undelivered).toBeGreaterThanOrEqual(5);
    expect(await metricOf(a, 'secure_ws_bus_up')).toBe(0);
    expect(await metricOf(a, 'secure_ws_bus_undelivered_messages_total')).toBe(health.undelivered);
    expect(
      a.logs.withMessage('Redis unavailable: messages stay on this node until it is back'),
    ).toHaveLength(1);

    await redis.start();
    await expect.poll(() => busOf(a).isHealthy(), { timeout: 5000 }).toBe(true);
    await expect.poll(() => busOf(b).isHealthy(), { timeout: 5000 }).toBe(true);

    // Cross-node delivery is back: bob gets alice's next message.
    let received: RoomMessage | undefined;
    for (let attempt = 0; attempt < 20 && !received; attempt++) {
      sayInLobby(alice, `after ${attempt}`);
      received = await bob.next<RoomMessage>(250).catch(() => undefined);
    }
    expect(received?.data.text).toMatch(/^after \d+$/);

    // Logged once the node has written its state back (presence, expiring sets), which on a
    // loaded machine can come after the first message crossed again.
    const backMessage = 'Redis reachable again: delivery across nodes resumed';
    await expect.poll(() => a.logs.withMessage(backMessage).length, { timeout: 5000 }).toBe(1);
    const back = a.logs.withMessage(backMessage);
    expect(back[0]?.undelivered).toBeGreaterThanOrEqual(5);
    expect(
      a.logs.withMessage('Redis unavailable: messages stay on this node until it is back'),
    ).toHaveLength(1);

    await expect
      .poll(() => [resumedA - (resumedBefore[0] ?? 0), resumedB - (resumedBefore[1] ?? 0)])
      .toEqual([1, 1]);
    expect((await busOf(b).expiring.list('revoked')).map((entry) => entry.member)).toEqual([
      'mallory',
    ]);

    expect(await healthOf(a)).toMatchObject({ status: 200, body: { ready: true } });

    // Presence was written back to the fresh Redis by both nodes.
    await expect
      .poll(async () =>
        (await a.app.get(WsRooms).members('lobby')).map((member) => member.userId).sort(),
      )
      .toEqual(['alice', 'anna', 'bob']);
  });
});
