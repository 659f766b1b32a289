import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WsHistoryStore } from '../../src/history/history-store.interface.js';
import { type InMemoryHistoryStore } from '../../src/history/in-memory-history.store.js';
import { WsRooms } from '../../src/rooms/ws-rooms.service.js';
import { RedisServer } from '../../src/testing/redis-server.js';
import { type TestApp } from '../../src/testing/test-app.js';
import { type WsTestClient } from '../../src/testing/ws-test-client.js';
import {
  framesUntilReply,
  joinAt,
  type Position,
  type ResumeReplyFrame,
  type RoomMessageFrame,
  startHistoryApp,
} from './support/history-app.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(() => redis?.stop());

let prefixes = 0;
const stores = [
  ['in process', () => ({})],
  ['in Redis', () => ({ redisUrl: redis.url, keyPrefix: `hist${++prefixes}:` })],
] as const;

describe.each(stores)('room history %s', (_, store) => {
  let t: TestApp;
  afterEach(() => t?.close());

  const say = (client: WsTestClient, room: string, texts: string[]) => {
    for (const text of texts) client.send({ event: 'room.send', data: { room, text } });
  };

  it('puts contiguous positions on every push, one epoch, the same frame for every member', async () => {
    t = await startHistoryApp(store());
    const alice = await t.connect('/ws?user=alice');
    const bob = await t.connect('/ws?user=bob');
    const start = await joinAt(alice, 'lobby');
    expect(start).toEqual({
      room: 'lobby',
      offset: 0,
      epoch: expect.stringMatching(/^[a-z0-9]{8}$/),
    });
    expect(await joinAt(bob, 'lobby')).toEqual(start);
    say(alice, 'lobby', ['one', 'two', 'three']);
    for (const client of [alice, bob]) {
      for (const [index, text] of ['one', 'two', 'three'].entries()) {
        expect(await client.next<RoomMessageFrame>()).toEqual({
          event: 'room.message',
          data: { room: 'lobby', from: 'alice', text, at: expect.any(Number) },
          pos: { room: 'lobby', offset: index + 1, epoch: start.epoch },
        });
      }
    }
    // The reply and the push travel apart (in Redis: the command and the channel): either first.
    alice.emit('room.send', { room: 'lobby', text: 'four' });
    const both = [await alice.next(), await alice.next()].sort((a, b) =>
      String(a.event).localeCompare(String(b.event)),
    );
    expect(both).toEqual([
      {
        event: 'room.message',
        data: { room: 'lobby', from: 'alice', text: 'four', at: expect.any(Number) },
        pos: { room: 'lobby', offset: 4, epoch: start.epoch },
      },
      {
        event: 'room.sent',
        data: { room: 'lobby', pos: { room: 'lobby', offset: 4, epoch: start.epoch } },
        id: '2',
      },
    ]);
  });

  it('replays what a member missed, in order, before the reply and before newer messages', async () => {
    t = await startHistoryApp(store());
    const alice = await t.connect('/ws?user=alice');
    let bob = await t.connect('/ws?user=bob');
    await joinAt(alice, 'lobby');
    await joinAt(bob, 'lobby');
    say(alice, 'lobby', ['seen']);
    const seen = (await bob.next<RoomMessageFrame>()).pos;
    bob.close();
    const missed = Array.from({ length: 20 }, (_, i) => `missed ${i}`);
    say(alice, 'lobby', missed);
    for (let i = 0; i <= missed.length; i++) await alice.next();

    bob = await t.connect('/ws?user=bob');
    const id = bob.emit('session.resume', { rooms: [seen] });
    say(alice, 'lobby', ['live']);
    const frames = await framesUntilReply(bob, id);
    const reply = frames.pop() as unknown as ResumeReplyFrame;
    expect(frames.map((frame) => (frame as unknown as RoomMessageFrame).data.text)).toEqual(
      frames.length === missed.length ? missed : [...missed, 'live'],
    );
    expect(frames.map((frame) => (frame as unknown as RoomMessageFrame).pos.offset)).toEqual(
      frames.map((_, i) => seen.offset + 1 + i),
    );
    expect(reply.data.rooms).toEqual([
      {
        room: 'lobby',
        recovered: true,
        missed: expect.any(Number),
        pos: { room: 'lobby', offset: expect.any(Number), epoch: seen.epoch },
      },
    ]);
    const { missed: count, pos } = reply.data.rooms[0] as { missed: number; pos: Position };
    expect(count).toBeGreaterThanOrEqual(missed.length);
    if (frames.length === missed.length) {
      expect((await bob.next<RoomMessageFrame>()).data.text).toBe('live');
    }
    expect(pos.offset).toBeGreaterThanOrEqual(seen.offset + missed.length);
    say(alice, 'lobby', ['after']);
    expect(await bob.next<RoomMessageFrame>()).toMatchObject({
      data: { text: 'after' },
      pos: { offset: seen.offset + missed.length + 2 },
    });
    expect(await bob.quietFor(100)).toBe(true);
  });

  it('answers HISTORY_LOST for an unknown epoch or an offset no longer kept, and joins', async () => {
    t = await startHistoryApp({ ...store(), history: { size: 3 } });
    const alice = await t.connect('/ws?user=alice');
    const start = await joinAt(alice, 'lobby');
    say(alice, 'lobby', ['1', '2', '3', '4', '5']);
    for (let i = 0; i < 5; i++) await alice.next();
    const bob = await t.connect('/ws?user=bob');
    bob.emit('session.resume', {
      rooms: [
        { room: 'lobby', offset: 1, epoch: start.epoch },
        { room: 'other', offset: 0, epoch: 'not-this-one' },
      ],
    });
    const current = { room: 'lobby', offset: 5, epoch: start.epoch };
    expect(await bob.next()).toEqual({
      event: 'session.resume',
      data: {
        rooms: [
          { room: 'lobby', recovered: false, reason: 'HISTORY_LOST', pos: current },
          {
            room: 'other',
            recovered: false,
            reason: 'HISTORY_LOST',
            pos: { room: 'other', offset: 0, epoch: expect.any(String) },
          },
        ],
      },
      id: '1',
    });
    // Kept: the last 3 (offsets 3, 4, 5).
    const carol = await t.connect('/ws?user=carol');
    carol.emit('session.resume', { rooms: [{ room: 'lobby', offset: 2, epoch: start.epoch }] });
    const frames = await framesUntilReply(carol, '1');
    expect(frames.map((frame) => (frame as unknown as RoomMessageFrame).data?.text)).toEqual([
      '3',
      '4',
      '5',
      undefined,
    ]);
    say(alice, 'lobby', ['6']);
    for (const client of [bob, carol]) {
      expect((await client.next<RoomMessageFrame>()).pos).toEqual({ ...current, offset: 6 });
    }
  });

  it('answers HISTORY_LOST once the missed messages are older than the retention', async () => {
    t = await startHistoryApp({ ...store(), history: { ttlMs: 150 } });
    const alice = await t.connect('/ws?user=alice');
    const start = await joinAt(alice, 'lobby');
    say(alice, 'lobby', ['old']);
    await alice.next();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const bob = await t.connect('/ws?user=bob');
    bob.emit('session.resume', { rooms: [start] });
    expect(await bob.next()).toMatchObject({
      event: 'session.resume',
      data: { rooms: [{ room: 'lobby', recovered: false, reason: 'HISTORY_LOST' }] },
    });
  });

  it('refuses rooms of another user per room, and bad requests as a whole; nothing crashes', async () => {
    t = await startHistoryApp(store());
    const alice = await t.connect('/ws?user=alice');
    const own = await joinAt(alice, 'user.alice');
    const mallory = await t.connect('/ws?user=mallory');
    expect(await mallory.request('room.join', { room: 'user.alice' })).toEqual({
      event: 'error',
      data: { code: 'FORBIDDEN', message: 'You may not join this room', event: 'room.join' },
      id: '1',
    });
    mallory.emit('session.resume', { rooms: [own] });
    expect(await mallory.next()).toEqual({
      event: 'session.resume',
      data: { rooms: [{ room: 'user.alice', recovered: false, reason: 'FORBIDDEN' }] },
      id: '2',
    });
    say(alice, 'user.alice', ['private']);
    expect(await mallory.quietFor(150)).toBe(true);

    const rooms = Array.from({ length: 101 }, (_, i) => ({ room: `r${i}`, offset: 0, epoch: 'e' }));
    mallory.emit('session.resume', { rooms });
    expect(await mallory.nextError('BAD_FRAME')).toEqual({
      code: 'BAD_FRAME',
      message: 'A resume names at most 100 rooms',
      event: 'session.resume',
      id: '3',
    });
    const bad = [
      [{ rooms: 'lobby' }, 'rooms'],
      [{ rooms: [{ room: 'lobby', offset: -1, epoch: 'e' }] }, 'rooms.0.offset'],
      [{ rooms: [{ room: 'lobby', offset: 1.5, epoch: 'e' }] }, 'rooms.0.offset'],
      [{ rooms: [{ room: 'lobby', offset: '3', epoch: 'e' }] }, 'rooms.0.offset'],
      [{ rooms: [{ room: 'lobby', offset: 0, epoch: 7 }] }, 'rooms.0.epoch'],
      [{ rooms: [{ room: 'lobby', offset: 0, epoch: 'x'.repeat(65) }] }, 'rooms.0.epoch'],
      [{ rooms: [{ room: 'no spaces', offset: 0, epoch: 'e' }] }, 'rooms.0.room'],
      [{ rooms: [own, own] }, 'rooms.1.room'],
      [null, 'rooms'],
    ] as const;
    for (const [data, path] of bad) {
      mallory.emit('session.resume', data);
      const error = await mallory.nextError('VALIDATION_FAILED');
      expect(error.details).toEqual([{ path, constraints: [expect.any(String)] }]);
    }
    expect(await mallory.request('whoami')).toMatchObject({ event: 'whoami' });
    expect(mallory.socket.readyState).toBe(mallory.socket.OPEN);
  });
});

describe('room history under a flood of resumes', () => {
  let t: TestApp;
  afterEach(() => t?.close());

  it('answers 200 resumes of 100 new rooms each, joins at most maxRoomsPerConnection, holds at most maxRooms', async () => {
    t = await startHistoryApp({ history: { maxRooms: 500 } });
    const mallory = await t.connect('/ws?user=mallory');
    for (let round = 0; round < 200; round++) {
      const rooms = Array.from({ length: 100 }, (_, i) => ({
        room: `flood-${round}-${i}`,
        offset: round,
        epoch: `e${i}`,
      }));
      const id = mallory.emit('session.resume', { rooms });
      const reply = await mallory.next<ResumeReplyFrame>();
      expect(reply.id).toBe(id);
      const reasons = new Set(reply.data.rooms.map((room) => room.reason));
      expect(
        [...reasons].every((reason) => reason === 'HISTORY_LOST' || reason === 'ROOM_LIMIT'),
      ).toBe(true);
    }
    const rooms = t.app.get(WsRooms);
    const store = t.app.get<InMemoryHistoryStore>(WsHistoryStore);
    expect(store.roomCount).toBeLessThanOrEqual(500);
    expect(rooms.localRoomCount()).toBeLessThanOrEqual(100);
    expect(await mallory.request('whoami')).toMatchObject({ event: 'whoami' });
  });
});

describe('room history in Redis', () => {
  let t: TestApp;
  afterEach(() => t?.close());

  it('keeps what clients name for a bounded time: 10 minutes for a room without messages, a day after the last', async () => {
    t = await startHistoryApp({ redisUrl: redis.url, keyPrefix: 'ttl:' });
    const alice = await t.connect('/ws?user=alice');
    await joinAt(alice, 'quiet');
    alice.emit('session.resume', {
      rooms: Array.from({ length: 50 }, (_, i) => ({ room: `named-${i}`, offset: 0, epoch: 'e' })),
    });
    await alice.next();
    const direct = new Redis(redis.url);
    try {
      for (const room of ['quiet', 'named-0', 'named-49']) {
        const ttl = await direct.pttl(`ttl:h:{${room}}:m`);
        expect(ttl).toBeGreaterThan(9 * 60_000);
        expect(ttl).toBeLessThanOrEqual(10 * 60_000);
      }
      alice.send({ event: 'room.send', data: { room: 'quiet', text: 'hi' } });
      await alice.next();
      expect(await direct.pttl('ttl:h:{quiet}:m')).toBeGreaterThan(23 * 3_600_000);
      // The retention, plus at most the upkeep interval (see APPEND_SCRIPT).
      expect(await direct.pttl('ttl:h:{quiet}:s')).toBeGreaterThan(119_000);
      expect(await direct.pttl('ttl:h:{quiet}:s')).toBeLessThanOrEqual(121_000);
    } finally {
      direct.disconnect();
    }
  });

  it("catches a node's members up after its Redis subscription dropped, in order, without duplicates", async () => {
    t = await startHistoryApp({ redisUrl: redis.url, keyPrefix: 'blink:' });
    const other = await startHistoryApp({ redisUrl: redis.url, keyPrefix: 'blink:' });
    try {
      const sender = await t.connect('/ws?user=sam');
      const member = await other.connect('/ws?user=mia');
      const start = await joinAt(sender, 'blink');
      await joinAt(member, 'blink');
      const direct = new Redis(redis.url);
      // Every subscriber connection drops; commands (and so sends) go on.
      await direct.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
      direct.disconnect();
      const texts = Array.from({ length: 100 }, (_, i) => `m${i}`);
      for (const text of texts) sender.send({ event: 'room.send', data: { room: 'blink', text } });
      const got: RoomMessageFrame[] = [];
      for (const _ of texts) got.push(await member.next<RoomMessageFrame>(10_000));
      expect(got.map((frame) => frame.data.text)).toEqual(texts);
      expect(got.map((frame) => frame.pos.offset)).toEqual(
        texts.map((_, i) => start.offset + 1 + i),
      );
      expect(await member.quietFor(300)).toBe(true);
    } finally {
      await other.close();
    }
  });

  it('stores the messages of one loop turn by one script call: consecutive positions, in order on the other node, and again after SCRIPT FLUSH', async () => {
    t = await startHistoryApp({ redisUrl: redis.url, keyPrefix: 'turn:' });
    const other = await startHistoryApp({ redisUrl: redis.url, keyPrefix: 'turn:' });
    const monitor = await new Redis(redis.url).monitor();
    try {
      const sender = await t.connect('/ws?user=sam');
      const member = await other.connect('/ws?user=mia');
      const start = await joinAt(sender, 'burst');
      await joinAt(member, 'burst');
      const rooms = t.app.get(WsRooms);
      const count = Number(process.env.HISTORY_BURST_MESSAGES ?? 200);
      const burst = async (from: number) => {
        // One synchronous burst: one loop turn of the sending node.
        const positions = Promise.all(
          Array.from({ length: count }, (_, i) => rooms.publish('burst', 'tick', { i: from + i })),
        );
        const got: RoomMessageFrame[] = [];
        for (let i = 0; i < count; i++) got.push(await member.next<RoomMessageFrame>());
        return { positions: await positions, got };
      };
      const scriptRuns: string[] = [];
      const calls: string[] = [];
      monitor.on('monitor', (_time: string, args: string[]) => {
        const name = args[0]?.toUpperCase();
        if (name === 'HINCRBY' && String(args[1]).startsWith('turn:h:')) {
          scriptRuns.push(String(args[3]));
        }
        if ((name === 'EVAL' || name === 'EVALSHA') && args[3] === 'turn:h:{burst}:s') {
          calls.push(name);
        }
      });
      const first = await burst(0);
      const offsets = Array.from({ length: count }, (_, i) => start.offset + 1 + i);
      expect(first.got.map((frame) => frame.data)).toEqual(
        Array.from({ length: count }, (_, i) => ({ i })),
      );
      expect(first.got.map((frame) => frame.pos.offset)).toEqual(offsets);
      expect(first.positions.map((position) => position?.offset)).toEqual(offsets);
      // One script call stored the whole turn (its HINCRBY by the turn's count).
      await expect.poll(() => scriptRuns).toEqual([String(count)]);
      // The next turn sends the script by its SHA1.
      const again = await burst(count);
      expect(again.got.map((frame) => frame.pos.offset)).toEqual(
        offsets.map((offset) => offset + count),
      );
      await expect.poll(() => scriptRuns).toEqual([String(count), String(count)]);
      expect(calls.slice(0, 2)).toEqual(['EVAL', 'EVALSHA']);
      // A SCRIPT FLUSH on a live connection: the next turn sends the script in full again.
      const direct = new Redis(redis.url);
      await direct.script('FLUSH');
      direct.disconnect();
      const third = await burst(2 * count);
      expect(third.got.map((frame) => frame.pos.offset)).toEqual(
        offsets.map((offset) => offset + 2 * count),
      );
      expect(third.positions.map((position) => position?.offset)).toEqual(
        offsets.map((offset) => offset + 2 * count),
      );
      // MONITOR's own connection may show the retried EVAL after the member got the frames.
      await expect.poll(() => calls.at(-1)).toBe('EVAL');
      expect(await member.quietFor(200)).toBe(true);
    } finally {
      monitor.disconnect();
      await other.close();
    }
  });

  it('changes the epoch when the history is lost (Redis flushed)', async () => {
    t = await startHistoryApp({ redisUrl: redis.url, keyPrefix: 'flush:' });
    const alice = await t.connect('/ws?user=alice');
    const start = await joinAt(alice, 'lobby');
    alice.send({ event: 'room.send', data: { room: 'lobby', text: 'before' } });
    await alice.next();
    const direct = new Redis(redis.url);
    await direct.flushall();
    direct.disconnect();
    alice.send({ event: 'room.send', data: { room: 'lobby', text: 'after' } });
    const after = await alice.next<RoomMessageFrame>();
    expect(after.pos.offset).toBe(1);
    expect(after.pos.epoch).not.toBe(start.epoch);
    const bob = await t.connect('/ws?user=bob');
    bob.emit('session.resume', { rooms: [{ ...start, offset: 1 }] });
    expect(await bob.next()).toMatchObject({
      data: { rooms: [{ recovered: false, reason: 'HISTORY_LOST', pos: after.pos }] },
    });
  });
});
