import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  REVOCATION_STORE,
  type RevocationStore,
} from '../../src/auth/revocation-store.interface.js';
import { WsSessionRegistry } from '../../src/auth/ws-session-registry.js';
import { type SecureWsModuleOptions } from '../../src/options/secure-ws-options.interface.js';
import { WsRooms } from '../../src/rooms/ws-rooms.service.js';
import { WsUsers } from '../../src/rooms/ws-users.service.js';
import { type TestApp } from '../../src/testing/test-app.js';
import { busOf, healthOf, type RoomMessage, startNodeWith } from './two-nodes.js';

/** A transport the cross-node suite runs on: Redis, NATS, or a user's own bus. */
export interface CrossNodeBackend {
  /** As `capabilities.transport` and the health check's name. */
  readonly transport: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The bus options of one node; nodes of one `run` share state, other runs do not. */
  busOptions(run: number): Pick<SecureWsModuleOptions, 'redis' | 'bus'>;
}

export interface CrossNodeContext {
  readonly a: TestApp;
  readonly b: TestApp;
  readonly run: number;
}

/**
 * The promises of rooms, presence, user delivery and revocation across two
 * nodes, the same for every backend. `more` adds the backend's own tests.
 */
export function describeCrossNode(
  backend: CrossNodeBackend,
  more?: (context: () => CrossNodeContext) => void,
): void {
  describe(`two nodes on one ${backend.transport}`, () => {
    let a: TestApp;
    let b: TestApp;
    let run = 0;
    const extra: TestApp[] = [];
    const startNode = () => startNodeWith(backend.busOptions(run));

    beforeAll(() => backend.start());
    afterAll(() => backend.stop());

    beforeEach(async () => {
      run += 1;
      [a, b] = await Promise.all([startNode(), startNode()]);
      await expect
        .poll(() => busOf(a).isHealthy() && busOf(b).isHealthy(), { timeout: 15_000 })
        .toBe(true);
    });
    afterEach(async () => {
      await Promise.all([a.close(), b.close(), ...extra.splice(0).map((node) => node.close())]);
    });

    it('names the bus and its health check by the transport', async () => {
      expect(busOf(a).capabilities).toMatchObject({ transport: backend.transport, shared: true });
      const health = await healthOf(a);
      expect(health.status).toBe(200);
      expect(health.body).toMatchObject({
        ready: true,
        info: { [backend.transport]: { status: 'up', transport: backend.transport } },
      });
    });

    it('delivers a message sent on one node to the room members on the other', async () => {
      const alice = await a.connect('/ws?user=alice');
      const bob = await b.connect('/ws?user=bob');
      await alice.request('room.join', { room: 'lobby' });
      // Rooms keep history (positions) only on a bus that offers its Redis.
      const history = busOf(a).capabilities.redis !== undefined;
      const at = (offset: number) =>
        history ? { pos: { room: 'lobby', offset, epoch: expect.any(String) } } : {};
      expect(await bob.request('room.join', { room: 'lobby' })).toEqual({
        event: 'room.joined',
        data: { room: 'lobby', members: ['alice', 'bob'], ...at(0) },
        id: '1',
      });

      bob.send({ event: 'room.send', data: { room: 'lobby', text: 'from B' } });
      for (const client of [alice, bob]) {
        expect(await client.next()).toEqual({
          event: 'room.message',
          data: { room: 'lobby', from: 'bob', text: 'from B', at: expect.any(Number) },
          ...at(1),
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
      expect(nodeOf.alice).toBe(busOf(a).nodeId);
      expect(nodeOf.bob).toBe(busOf(b).nodeId);

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

    it('shares expiring sets across nodes: a later time wins, lapsed entries are dropped', async () => {
      const now = Date.now();
      await busOf(a).expiring.add('revoked', 'mallory', now + 60_000);
      await busOf(a).expiring.add('revoked', 'old', now - 1);
      await busOf(b).expiring.add('revoked', 'mallory', now + 30_000);
      expect(await busOf(b).expiring.list('revoked')).toEqual([
        { member: 'mallory', untilMs: now + 60_000 },
      ]);
    });

    it('revokes a user on every node, and a node started later knows it', async () => {
      const storeOf = (node: TestApp) => node.app.get<RevocationStore>(REVOCATION_STORE);
      await a.app.get(WsSessionRegistry).revokeUser('mallory', { untilMs: Date.now() + 60_000 });
      expect(storeOf(a).isRevoked('mallory', undefined)).toBe(true);
      await expect.poll(() => storeOf(b).isRevoked('mallory', undefined)).toBe(true);
      expect(storeOf(b).isRevoked('trent', undefined)).toBe(false);
      const c = await startNode();
      extra.push(c);
      await expect.poll(() => storeOf(c).isRevoked('mallory', undefined)).toBe(true);
    });

    it('drops the presence of a node that shut down', async () => {
      const bob = await b.connect('/ws?user=bob');
      await bob.request('room.join', { room: 'lobby' });
      expect((await a.app.get(WsRooms).members('lobby')).map((member) => member.userId)).toEqual([
        'bob',
      ]);
      await b.close();
      expect(await a.app.get(WsRooms).members('lobby')).toEqual([]);
      b = await startNode();
    });

    more?.(() => ({ a, b, run }));
  });
}
