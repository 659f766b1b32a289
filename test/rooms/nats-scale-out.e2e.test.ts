import { expect, it } from 'vitest';
import { NatsBus } from '../../src/bus/nats.bus.js';
import { WsBus } from '../../src/bus/ws-bus.interface.js';
import { WsRooms } from '../../src/rooms/ws-rooms.service.js';
import { NatsServer } from '../../src/testing/nats-server.js';
import { describeCrossNode } from './cross-node.suite.js';

let nats: NatsServer | undefined;

describeCrossNode(
  {
    transport: 'nats',
    async start() {
      nats = await NatsServer.start();
    },
    stop: async () => nats?.dispose(),
    busOptions: (run) => ({
      bus: new NatsBus({
        servers: (nats as NatsServer).url,
        prefix: `t${run}`,
        presenceTtlMs: 3000,
        maxReconnectDelayMs: 200,
      }),
    }),
  },
  (context) => {
    it('drops the presence of a node that stopped beating, once its heartbeat lapses', async () => {
      const { a, run } = context();
      const alice = await a.connect('/ws?user=alice');
      await alice.request('room.join', { room: 'lobby' });
      // A node that crashed: its entries stay in the bucket, its heartbeat lapses (3 s TTL).
      const crashed = new NatsBus({
        servers: (nats as NatsServer).url,
        prefix: `t${run}`,
        presenceTtlMs: 3000,
      });
      await expect.poll(() => crashed.isHealthy()).toBe(true);
      await crashed.presence.add('lobby', JSON.stringify(['c1', 'ghost']));
      // Its connection drops without a word, as in a crash.
      await crashed.client?.close();
      const users = async () =>
        (await a.app.get(WsRooms).members('lobby')).map((member) => member.userId).sort();
      await expect.poll(users).toEqual(['alice', 'ghost']);
      await expect.poll(users, { timeout: 8000, interval: 500 }).toEqual(['alice']);
      expect(a.app.get<WsBus>(WsBus).capabilities.transport).toBe('nats');
      await crashed.close();
    });
  },
);
