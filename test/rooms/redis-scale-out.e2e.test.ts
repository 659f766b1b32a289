import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WsBus } from '../../src/bus/ws-bus.interface.js';
import { WsRooms } from '../../src/rooms/ws-rooms.service.js';
import { WsUsers } from '../../src/rooms/ws-users.service.js';
import { RedisServer } from '../../src/testing/redis-server.js';
import { type TestApp } from '../../src/testing/test-app.js';
import { type RoomMessage, startNode } from './two-nodes.js';

describe('two nodes on one Redis', () => {
  let redis: RedisServer;
  let a: TestApp;
  let b: TestApp;
  let keyPrefix: string;
  let run = 0;

  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterAll(() => redis.stop());

  beforeEach(async () => {
    run += 1;
    keyPrefix = `t${run}:`;
    [a, b] = await Promise.all([
      startNode({ url: redis.url, keyPrefix }),
      startNode({ url: redis.url, keyPrefix }),
    ]);
    await expect.poll(() => a.app.get<WsBus>(WsBus).isHealthy()).toBe(true);
    await expect.poll(() => b.app.get<WsBus>(WsBus).isHealthy()).toBe(true);
  });
  const busOf = (node: TestApp) => node.app.get<WsBus>(WsBus);

  afterEach(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  it('delivers a message sent on one node to the room members on the other', async () => {
    const alice = await a.connect('/ws?user=alice');
    const bob = await b.connect('/ws?user=bob');
    await alice.request('room.join', { room: 'lobby' });
    expect(await bob.request('room.join', { room: 'lobby' })).toEqual({
      event: 'room.joined',
      data: {
        room: 'lobby',
        members: ['alice', 'bob'],
        pos: { room: 'lobby', offset: 0, epoch: expect.any(String) },
      },
      id: '1',
    });

    bob.send({ event: 'room.send', data: { room: 'lobby', text: 'from B' } });
    for (const client of [alice, bob]) {
      expect(await client.next()).toEqual({
        event: 'room.message',
        data: { room: 'lobby', from: 'bob', text: 'from B', at: expect.any(Number) },
        pos: { room: 'lobby', offset: 1, epoch: expect.any(String) },
      });
    }
    alice.send({ event: 'room.send', data: { room: 'lobby', text: 'from A' } });
    for (const client of [alice, bob]) {
      expect((await client.next<RoomMessage>()).data).toMatchObject({
        from: 'alice',
        text: 'from A',
      });
    }
  });

  it('lists the members of a room across nodes, and forgets those who left', async () => {
    const alice = await a.connect('/ws?user=alice');
    const bob = await b.connect('/ws?user=bob');
    const carol = await b.connect('/ws?user=carol');
    await alice.request('room.join', { room: 'ops' });
    await bob.request('room.join', { room: 'ops' });
    await carol.request('room.join', { room: 'ops' });
    const members = await a.app.get(WsRooms).members('ops');
    expect(members.map((member) => member.userId).sort()).toEqual(['alice', 'bob', 'carol']);
    const nodeOf = Object.fromEntries(members.map((member) => [member.userId, member.nodeId]));
    expect(nodeOf.alice).toBe(a.app.get<WsBus>(WsBus).nodeId);
    expect(nodeOf.bob).toBe(b.app.get<WsBus>(WsBus).nodeId);

    await bob.request('room.leave', { room: 'ops' });
    carol.close();
    await carol.closed;
    await expect
      .poll(async () => (await a.app.get(WsRooms).members('ops')).map((member) => member.userId))
      .toEqual(['alice']);
  });

  it('closes a user on every node', async () => {
    const onA = await a.connect('/ws?user=carol');
    const onB = await b.connect('/ws?user=carol');
    const dave = await b.connect('/ws?user=dave');
    a.app.get(WsUsers).disconnectUser('carol');
    for (const client of [onA, onB]) {
      await client.nextError('SESSION_REVOKED');
      expect(await client.closed).toEqual({ code: 4403, reason: 'SESSION_REVOKED' });
    }
    expect(await dave.request('whoami')).toMatchObject({ data: { userId: 'dave' } });
  });

  it('sends to every connection of a user on every node', async () => {
    const onA = await a.connect('/ws?user=erin');
    const onB = await b.connect('/ws?user=erin');
    b.app.get(WsUsers).sendToUser('erin', 'notice', { text: 'hi erin' });
    for (const client of [onA, onB]) {
      expect(await client.next()).toEqual({ event: 'notice', data: { text: 'hi erin' } });
    }
  });

  it("keeps one sender's messages in order on every node", async () => {
    const alice = await a.connect('/ws?user=alice');
    const bob = await b.connect('/ws?user=bob');
    await alice.request('room.join', { room: 'seq' });
    await bob.request('room.join', { room: 'seq' });
    const count = 200;
    for (let i = 0; i < count; i++) {
      alice.send({ event: 'room.send', data: { room: 'seq', text: String(i) } });
    }
    for (const client of [alice, bob]) {
      const texts: string[] = [];
      for (let i = 0; i < count; i++) texts.push((await client.next<RoomMessage>()).data.text);
      expect(texts).toEqual(Array.from({ length: count }, (_, i) => String(i)));
    }
  });

  it('drops the presence of a node that stopped without cleaning up', async () => {
    const alice = await a.connect('/ws?user=alice');
    await alice.request('room.join', { room: 'lobby' });
    const direct = new Redis(redis.url);
    try {
      // A node that crashed 10 s ago: its heartbeat is stale, its entries remain.
      await direct.zadd(`${keyPrefix}nodes`, Date.now() - 10_000, 'crashed-node');
      await direct.sadd(`${keyPrefix}p:lobby`, 'crashed-node|["c1","ghost"]');
      await direct.sadd(`${keyPrefix}n:crashed-node`, 'lobby');

      const members = await a.app.get(WsRooms).members('lobby');
      expect(members.map((member) => member.userId)).toEqual(['alice']);
      const { data } = await alice.request<{ data: { connectionId: string } }>('whoami');
      const aliceEntry = `${a.app.get<WsBus>(WsBus).nodeId}|${JSON.stringify([data.connectionId, 'alice'])}`;
      await expect
        .poll(() => direct.smembers(`${keyPrefix}p:lobby`), { timeout: 5000 })
        .toEqual([aliceEntry]);
      expect(await direct.exists(`${keyPrefix}n:crashed-node`)).toBe(0);
      expect(await direct.zscore(`${keyPrefix}nodes`, 'crashed-node')).toBeNull();
    } finally {
      direct.disconnect();
    }
  });

  it('shares expiring sets across nodes, and drops lapsed entries', async () => {
    const now = Date.now();
    await busOf(a).expiring.add('revoked', 'mallory', now + 60_000);
    await busOf(a).expiring.add('revoked', 'old', now - 1);
    await busOf(b).expiring.add('revoked', 'mallory', now + 30_000);
    expect(await busOf(b).expiring.list('revoked')).toEqual([
      { member: 'mallory', untilMs: now + 60_000 },
    ]);
    const direct = new Redis(redis.url);
    try {
      const ttl = await direct.pttl(`${keyPrefix}x:revoked`);
      expect(ttl).toBeGreaterThan(50_000);
      expect(ttl).toBeLessThanOrEqual(60_000);
    } finally {
      direct.disconnect();
    }
  });

  it('removes its presence when it shuts down', async () => {
    const bob = await b.connect('/ws?user=bob');
    await bob.request('room.join', { room: 'lobby' });
    const bNode = b.app.get<WsBus>(WsBus).nodeId;
    await b.close();
    const direct = new Redis(redis.url);
    try {
      expect(await direct.smembers(`${keyPrefix}p:lobby`)).toEqual([]);
      expect(await direct.zscore(`${keyPrefix}nodes`, bNode)).toBeNull();
    } finally {
      direct.disconnect();
    }
  });
});
