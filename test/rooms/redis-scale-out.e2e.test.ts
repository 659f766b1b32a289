import { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import { WsBus } from '../../src/bus/ws-bus.interface.js';
import { WsRooms } from '../../src/rooms/ws-rooms.service.js';
import { RedisServer } from '../../src/testing/redis-server.js';
import { describeCrossNode } from './cross-node.suite.js';

let redis: RedisServer | undefined;
const keyPrefixOf = (run: number) => `t${run}:`;

/** Reads Redis directly, as an operator would. */
async function withRedis<T>(use: (direct: Redis) => Promise<T>): Promise<T> {
  const direct = new Redis((redis as RedisServer).url);
  try {
    return await use(direct);
  } finally {
    direct.disconnect();
  }
}

describeCrossNode(
  {
    transport: 'redis',
    async start() {
      redis = await RedisServer.start();
    },
    stop: async () => redis?.stop(),
    busOptions: (run) => ({
      redis: {
        url: (redis as RedisServer).url,
        keyPrefix: keyPrefixOf(run),
        presenceTtlMs: 3000,
        maxReconnectDelayMs: 200,
      },
    }),
  },
  (context) => {
    it('drops the presence of a node that stopped without cleaning up', async () => {
      const { a, run } = context();
      const keyPrefix = keyPrefixOf(run);
      const alice = await a.connect('/ws?user=alice');
      await alice.request('room.join', { room: 'lobby' });
      await withRedis(async (direct) => {
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
      });
    });

    it('sends the room messages of one loop turn as one PUBLISH each, in order, to every node', async () => {
      const { a, b, run } = context();
      const keyPrefix = keyPrefixOf(run);
      const alice = await a.connect('/ws?user=alice');
      const bob = await b.connect('/ws?user=bob');
      await alice.request('room.join', { room: 'burst' });
      await bob.request('room.join', { room: 'burst' });
      const count = Number(process.env.BURST_MESSAGES ?? 300);
      const direct = new Redis((redis as RedisServer).url);
      try {
        const raw: string[] = [];
        direct.on('message', (_channel: string, message: string) => raw.push(message));
        await direct.subscribe(`${keyPrefix}t:room:burst`);
        const nodeA = a.app.get<WsBus>(WsBus).nodeId;
        const rooms = a.app.get(WsRooms);
        // One synchronous burst (one loop turn of node A) of frames sent as they are, never stored.
        for (let i = 0; i < count; i++)
          rooms.sendFrame('burst', `{"event":"tick","data":{"i":${i}}}`);
        const onB: unknown[] = [];
        for (let i = 0; i < count; i++) onB.push(await bob.next());
        expect(onB).toEqual(
          Array.from({ length: count }, (_, i) => ({ event: 'tick', data: { i } })),
        );
        // On the channel: one message per send, each the frame as A's members got it.
        await expect.poll(() => raw.length, { timeout: 5000 }).toBe(count);
        expect(raw).toEqual(
          Array.from({ length: count }, (_, i) => `${nodeA}|{"event":"tick","data":{"i":${i}}}`),
        );
        expect(await alice.next()).toEqual({ event: 'tick', data: { i: 0 } });
      } finally {
        direct.disconnect();
      }
    });

    it('publishes on its subscribed RESP3 connection, delivers its own messages once, and subscribes again after that connection is killed', async () => {
      const { a, b } = context();
      const alice = await a.connect('/ws?user=alice');
      const bob = await b.connect('/ws?user=bob');
      await alice.request('room.join', { room: 'one-read' });
      await bob.request('room.join', { room: 'one-read' });
      const nodeA = a.app.get<WsBus>(WsBus).nodeId;
      a.app.get(WsRooms).sendFrame('one-read', '{"event":"tick","data":{"i":1}}');
      for (const client of [alice, bob]) {
        expect(await client.next()).toEqual({ event: 'tick', data: { i: 1 } });
      }
      // Node A's own copy came back on its subscribed connection and was dropped there.
      expect(await alice.quietFor(200)).toBe(true);
      await withRedis(async (direct) => {
        const clients = String(await direct.call('CLIENT', 'LIST'))
          .trim()
          .split('\n')
          .filter((line) => line.includes(` name=secure-ws:${nodeA} `));
        const subscribed = clients.filter((line) => !line.includes(' sub=0 '));
        expect(subscribed).toHaveLength(1);
        expect(subscribed[0]).toMatch(/ resp=3( |$)/);
        expect(subscribed[0]).toContain(' cmd=publish ');
        // Every subscribed connection dropped: node A subscribes its rooms again once back.
        await direct.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
      });
      let i = 2;
      await expect
        .poll(
          async () => {
            b.app.get(WsRooms).sendFrame('one-read', `{"event":"tick","data":{"i":${i++}}}`);
            return alice.quietFor(100).then((quiet) => !quiet);
          },
          { timeout: 5000, interval: 100 },
        )
        .toBe(true);
    });

    it('keeps an expiring set in Redis until its last entry lapses', async () => {
      const { a, run } = context();
      await a.app.get<WsBus>(WsBus).expiring.add('revoked', 'mallory', Date.now() + 60_000);
      const ttl = await withRedis((direct) => direct.pttl(`${keyPrefixOf(run)}x:revoked`));
      expect(ttl).toBeGreaterThan(50_000);
      expect(ttl).toBeLessThanOrEqual(60_000);
    });

    it('removes its presence keys from Redis when it shuts down', async () => {
      const { b, run } = context();
      const keyPrefix = keyPrefixOf(run);
      const bob = await b.connect('/ws?user=bob');
      await bob.request('room.join', { room: 'lobby' });
      const bNode = b.app.get<WsBus>(WsBus).nodeId;
      await b.close();
      await withRedis(async (direct) => {
        expect(await direct.smembers(`${keyPrefix}p:lobby`)).toEqual([]);
        expect(await direct.zscore(`${keyPrefix}nodes`, bNode)).toBeNull();
      });
    });
  },
);
