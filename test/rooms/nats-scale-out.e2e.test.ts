import { expect, it } from 'vitest';
import { NatsBus } from '../../src/bus/nats.bus.js';
import { WsBus } from '../../src/bus/ws-bus.interface.js';
import { WsRooms } from '../../src/rooms/ws-rooms.service.js';
import { NatsServer } from '../../src/testing/nats-server.js';
import { describeCrossNode } from './cross-node.suite.js';

let nats: NatsServer | undefined;
/** Room messages node A sends in the echo test: NATS would send each back without `noEcho`. */
const SENT = 50;

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
    it('gets none of its own room messages back from NATS, and its members still get each once', async () => {
      const { a, b } = context();
      const alice = await a.connect('/ws?user=alice');
      const bob = await b.connect('/ws?user=bob');
      await alice.request('room.join', { room: 'lobby' });
      await bob.request('room.join', { room: 'lobby' });
      const inMsgs = (node: typeof a) =>
        (node.app.get<WsBus>(WsBus) as NatsBus).client?.stats().inMsgs ?? 0;
      const aBefore = inMsgs(a);
      const bBefore = inMsgs(b);
      for (let i = 1; i <= SENT; i += 1) {
        alice.send({ event: 'room.send', data: { room: 'lobby', text: `m${i}` } });
      }
      for (const client of [alice, bob]) {
        for (let i = 1; i <= SENT; i += 1) {
          expect((await client.next<{ data: { text: string } }>()).data.text).toBe(`m${i}`);
        }
      }
      expect(inMsgs(b) - bBefore).toBeGreaterThanOrEqual(SENT);
      // A's presence heartbeat may get its acknowledgement in the meantime: a few, never SENT.
      expect(inMsgs(a) - aBefore).toBeLessThan(5);
      for (const client of [alice, bob]) {
        expect(await client.next(200).catch(() => 'nothing more')).toBe('nothing more');
      }
    });

    it('after NATS is killed and back, still gets none of its own messages back', async () => {
      const { a, b } = context();
      const alice = await a.connect('/ws?user=alice');
      const bob = await b.connect('/ws?user=bob');
      await alice.request('room.join', { room: 'lobby' });
      await bob.request('room.join', { room: 'lobby' });
      const server = nats as NatsServer;
      await server.stop(); // SIGKILL, as in a crash
      const healthy = () => [a, b].every((node) => node.app.get<WsBus>(WsBus).isHealthy());
      await expect.poll(healthy).toBe(false);
      await server.start();
      await expect.poll(healthy, { timeout: 15_000 }).toBe(true);
      const inMsgs = () => (a.app.get<WsBus>(WsBus) as NatsBus).client?.stats().inMsgs ?? 0;
      // Once B's subscription is back, its members get A's messages again.
      await expect
        .poll(
          async () => {
            alice.send({ event: 'room.send', data: { room: 'lobby', text: 'probe' } });
            return (await bob.next(300).catch(() => undefined)) !== undefined;
          },
          { timeout: 10_000 },
        )
        .toBe(true);
      const before = inMsgs();
      for (let i = 1; i <= SENT; i += 1) {
        alice.send({ event: 'room.send', data: { room: 'lobby', text: `m${i}` } });
      }
      const texts: string[] = [];
      while (texts.at(-1) !== `m${SENT}`) {
        texts.push((await bob.next<{ data: { text: string } }>()).data.text);
      }
      expect(texts.filter((text) => text.startsWith('m'))).toEqual(
        Array.from({ length: SENT }, (_, i) => `m${i + 1}`),
      );
      expect(inMsgs() - before).toBeLessThan(5);
    });

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
