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
