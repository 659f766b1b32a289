import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChatGateway } from '../../src/app/gateways/chat.gateway.js';
import { type Connection } from '../../src/connection/connection.js';
import { ConnectionRegistry } from '../../src/connection/connection-registry.js';
import { LocalRoom } from '../../src/rooms/local-room.js';
import { type RoomCatchUp } from '../../src/rooms/room-catch-up.js';
import { RoomHistoryReader } from '../../src/rooms/room-history-reader.js';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';
import { type WsTestClient } from '../../src/testing/ws-test-client.js';
import { SessionFromQueryGateway } from './session-from-query.gateway.js';

/** A room frame as the history store writes it: `pos` last. */
const frame = (offset: number, epoch = 'e1') =>
  `{"event":"room.message","data":{"text":"m${offset}"},"pos":{"room":"r","offset":${offset},"epoch":"${epoch}"}}`;
const frames = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => frame(from + i));

/**
 * A node's view of one room (`LocalRoom`) driven frame by frame, with real
 * connections: what the client receives is what the room sent it.
 */
describe('a catch-up never sends past a missing offset', () => {
  let t: TestApp;
  let client: WsTestClient;
  let connection: Connection;
  let room: LocalRoom;
  let holes: RoomCatchUp[][];

  beforeEach(async () => {
    t = await createTestApp({
      providers: [ChatGateway, SessionFromQueryGateway],
      module: { heartbeat: false },
    });
    client = await t.connect('/ws?user=mia');
    connection = [...t.app.get(ConnectionRegistry).all()][0] as Connection;
    holes = [];
    room = new LocalRoom(true, (catchUps) => holes.push(catchUps));
  });
  afterEach(() => t?.close());

  const offsetsOf = async (count: number) => {
    const offsets: number[] = [];
    for (let i = 0; i < count; i++) {
      const got = await client.next<{ pos: { offset: number } }>();
      offsets.push(got.pos.offset);
    }
    expect(await client.quietFor(100)).toBe(true);
    return offsets;
  };

  it('a plain member past a gap is held, read again, and gets every offset once', async () => {
    room.add(connection);
    for (const f of frames(1, 3)) room.deliver(f);
    expect(await offsetsOf(3)).toEqual([1, 2, 3]);

    room.deliver(frame(6));
    expect(holes).toHaveLength(1);
    const [catchUp] = holes[0] as RoomCatchUp[];
    expect(catchUp?.delivered).toEqual({ offset: 3, epoch: 'e1' });
    room.deliver(frame(7));
    expect(await client.quietFor(100)).toBe(true);

    // The history read after 3 returns 4..5 only (6 and 7 were stored later).
    expect(room.replay(catchUp as RoomCatchUp, frames(4, 5))).toBe('pending');
    expect(await offsetsOf(4)).toEqual([4, 5, 6, 7]);
    room.deliver(frame(8));
    expect(await offsetsOf(1)).toEqual([8]);
    expect(room.members.has(connection)).toBe(true);
  });

  it('held frames with a hole of their own stop there and ask for another read', async () => {
    room.add(connection);
    room.deliver(frame(1));
    room.deliver(frame(3));
    const [catchUp] = holes[0] as RoomCatchUp[];
    // Live while reading: 4, then the node misses 5 and 6, then 7.
    room.deliver(frame(4));
    room.deliver(frame(7));
    expect(room.replay(catchUp as RoomCatchUp, frames(2, 3))).toBe('hole');
    expect(await offsetsOf(4)).toEqual([1, 2, 3, 4]);
    expect(catchUp?.delivered).toEqual({ offset: 4, epoch: 'e1' });
    room.deliver(frame(8));
    expect(await client.quietFor(100)).toBe(true);

    expect(room.replay(catchUp as RoomCatchUp, frames(5, 8))).toBe('pending');
    expect(await offsetsOf(4)).toEqual([5, 6, 7, 8]);
    room.deliver(frame(9));
    expect(await offsetsOf(1)).toEqual([9]);
  });

  it('a connection that just caught up and meets a gap is read again, not skipped', async () => {
    const catchUp = room.startCatchUp(connection, { offset: 10, epoch: 'e1' });
    expect(room.replay(catchUp, frames(11, 12))).toBe('pending');
    expect(await offsetsOf(2)).toEqual([11, 12]);
    room.deliver(frame(12));
    room.deliver(frame(14));
    expect(holes).toEqual([[catchUp]]);
    expect(catchUp.delivered).toEqual({ offset: 12, epoch: 'e1' });
    expect(await client.quietFor(100)).toBe(true);
    expect(room.replay(catchUp, frames(13, 14))).toBe('pending');
    expect(await offsetsOf(2)).toEqual([13, 14]);
  });

  it('a frame of another epoch is a hole for a catch-up; releasing sends what is held as it is', async () => {
    const catchUp = room.startCatchUp(connection, { offset: 2, epoch: 'e1' });
    room.replay(catchUp, frames(3, 3));
    expect(await offsetsOf(1)).toEqual([3]);
    room.deliver(frame(1, 'e2'));
    expect(holes).toEqual([[catchUp]]);
    room.deliver(frame(2, 'e2'));
    room.release(catchUp);
    expect(await offsetsOf(2)).toEqual([1, 2]);
    expect(room.members.has(connection)).toBe(true);
  });

  it('frames without a position go out while following; a catch-up no longer current is left alone', async () => {
    const catchUp = room.startCatchUp(connection, { offset: 0, epoch: 'e1' });
    room.deliver('{"event":"notice","data":{"text":"held"}}');
    expect(room.replay(catchUp, frames(1, 1))).toBe('pending');
    expect(await client.next()).toEqual({
      event: 'room.message',
      data: { text: 'm1' },
      pos: { room: 'r', offset: 1, epoch: 'e1' },
    });
    expect(await client.next()).toEqual({ event: 'notice', data: { text: 'held' } });
    room.deliver('{"event":"notice","data":{"text":"live"}}');
    expect(await client.next()).toEqual({ event: 'notice', data: { text: 'live' } });
    room.deliver(frame(2));
    expect(await offsetsOf(1)).toEqual([2]);
    expect(room.members.has(connection)).toBe(true);

    const stale = room.startCatchUp(connection, { offset: 2, epoch: 'e1' });
    room.remove(connection);
    expect(room.replay(stale, frames(3, 4))).toBe('pending');
    room.release(stale);
    expect(await client.quietFor(100)).toBe(true);
    expect(holes).toEqual([]);
  });

  it('a catch-up that held more than 10,000 live frames is not completed: told if nobody waits, lost for a resume', async () => {
    const told: RoomCatchUp[][] = [];
    const reader = new RoomHistoryReader(room, {
      since: async () => ({
        recovered: true,
        frames: frames(1, 2),
        position: { room: 'r', offset: 10_003, epoch: 'e1' },
      }),
      unrecoverable: (catchUps) => told.push([...catchUps]),
    });
    const member = room.startCatchUp(connection, { offset: 0, epoch: 'e1' });
    for (let offset = 3; offset <= 10_003; offset++) room.deliver(frame(offset));
    expect(member.overflowed).toBe(true);
    reader.request([member]);
    await expect.poll(() => told).toEqual([[member]]);
    expect(await client.quietFor(100)).toBe(true);

    const resuming = room.startCatchUp(connection, { offset: 0, epoch: 'e1' });
    for (let offset = 3; offset <= 10_003; offset++) room.deliver(frame(offset));
    expect(await reader.answer(resuming)).toEqual({
      kind: 'lost',
      position: { room: 'r', offset: 10_003, epoch: 'e1' },
    });
    // Lost, and said so: what was held goes out as it is, the first 10,000.
    const first = await client.next<{ pos: { offset: number } }>();
    expect(first.pos.offset).toBe(3);
    expect(told).toHaveLength(1);
  });
});
