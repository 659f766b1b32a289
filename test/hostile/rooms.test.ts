import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '../../src/app/token.js';
import { WsRooms } from '../../src/rooms/ws-rooms.service.js';
import { WsTestClient } from '../../src/testing/ws-test-client.js';
import { eventually } from './support/alive.js';
import { MiB, settledHeap } from './support/memory.js';
import { type ReferenceApp, startReferenceApp } from './support/reference-app.js';

const JWT_SECRET = 'hostile-rooms-secret-0123456789abcdef';

describe('rooms on the reference app under hostile input', () => {
  let ref: ReferenceApp;
  let rooms: WsRooms;
  const connect = (sub: string) =>
    WsTestClient.connect(`ws://127.0.0.1:${ref.port}/ws`, {
      headers: { Authorization: `Bearer ${signToken(JWT_SECRET, { sub, ttlSeconds: 600 })}` },
    });

  beforeAll(async () => {
    ref = await startReferenceApp({
      JWT_SECRET,
      MESSAGES_PER_SECOND: '100000',
      MESSAGE_BURST: '100000',
    });
    rooms = ref.app.get(WsRooms);
  });
  afterAll(() => ref.close());

  it.each([
    '__proto__',
    'constructor',
    'prototype',
    'hasOwnProperty',
    'toString',
    'valueOf',
    '.',
    '..',
  ])(
    'keeps room %j an ordinary room: members, messages, and no prototype touched',
    async (room) => {
      const alice = await connect('alice');
      const bob = await connect('bob');
      expect(await alice.request('room.join', { room })).toMatchObject({
        event: 'room.joined',
        data: { room, members: ['alice'] },
      });
      expect(await bob.request('room.join', { room })).toMatchObject({
        data: { room, members: ['alice', 'bob'] },
      });
      alice.emit('room.send', { room, text: 'hello' });
      for (const client of [alice, bob]) {
        expect(await client.next()).toMatchObject({
          event: 'room.message',
          data: { room, from: 'alice', text: 'hello' },
        });
      }
      expect(({} as Record<string, unknown>).members).toBeUndefined();
      expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('alice');
      expect(typeof ({} as { hasOwnProperty: unknown }).hasOwnProperty).toBe('function');
      alice.terminate();
      bob.terminate();
      await eventually(() => rooms.localRoomCount() === 0, 2000, 'The room gone with its members');
      await ref.alive();
    },
  );

  it.each([
    ['empty', ''],
    ['65 characters', 'r'.repeat(65)],
    ['a path', '../../etc/passwd'],
    ['a space', 'a b'],
    ['markup', '<script>'],
    ['a NUL', 'a\u0000b'],
    ['non-ASCII', 'café'],
    ['a bus topic', 'room:x'],
    ['a number', 42],
    ['null', null],
    ['an object', { toString: 'lobby' }],
  ])('refuses a room name that is %s with VALIDATION_FAILED', async (_name, room) => {
    const client = await connect('carol');
    client.emit('room.join', { room });
    const error = await client.nextError('VALIDATION_FAILED');
    expect((error.details as Array<{ path: string }>)[0]?.path).toBe('room');
    expect(rooms.localRoomCount()).toBe(0);
    client.terminate();
    await ref.alive();
  });

  it('refuses room.send from a non-member with FORBIDDEN', async () => {
    const member = await connect('dave');
    const outsider = await connect('eve');
    await member.request('room.join', { room: 'private' });
    outsider.emit('room.send', { room: 'private', text: 'let me in' });
    expect(await outsider.nextError('FORBIDDEN')).toMatchObject({ event: 'room.send' });
    expect(await member.quietFor(100)).toBe(true);
    member.terminate();
    outsider.terminate();
    await eventually(() => rooms.localRoomCount() === 0, 2000, 'The room gone');
    await ref.alive();
  });

  it('caps rooms per connection, forgets 2,000 rooms once their connections drop, and memory comes back', async () => {
    const warm = await connect('warm');
    await warm.request('room.join', { room: 'warm-up' });
    warm.terminate();
    await eventually(() => rooms.localRoomCount() === 0, 2000, 'Warm-up room gone');
    const before = await settledHeap();
    const hoarders = [];
    for (let batch = 0; batch < 20; batch += 1) {
      const hoarder = await connect(`hoarder-${batch}`);
      hoarders.push(hoarder);
      const ids = Array.from({ length: 100 }, (_, i) =>
        hoarder.emit('room.join', { room: `r-${batch}-${i}` }),
      );
      for (const _id of ids) expect((await hoarder.next()).event).toBe('room.joined');
    }
    expect(rooms.localRoomCount()).toBe(2000);
    const [first] = hoarders;
    expect(await first?.request('room.join', { room: 'one-too-many' })).toMatchObject({
      event: 'error',
      data: { code: 'BAD_REQUEST', message: 'A connection may be in at most 100 rooms' },
    });
    for (const hoarder of hoarders) hoarder.terminate();
    await eventually(
      () => rooms.localRoomCount() === 0,
      3000,
      () => `${rooms.localRoomCount()} rooms left`,
    );
    const after = await settledHeap();
    console.info(
      `2,000 rooms joined and dropped: heap ${(before / MiB).toFixed(1)} → ${(after / MiB).toFixed(1)} MiB`,
    );
    expect(after - before).toBeLessThan(4 * MiB);
    await ref.alive();
  });
});
