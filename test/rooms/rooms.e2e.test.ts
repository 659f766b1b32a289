import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChatGateway } from '../../src/app/gateways/chat.gateway.js';
import { RoomsGateway } from '../../src/app/gateways/rooms.gateway.js';
import { WsRooms } from '../../src/rooms/ws-rooms.service.js';
import { WsUsers } from '../../src/rooms/ws-users.service.js';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';
import { type WsTestClient } from '../../src/testing/ws-test-client.js';
import { SessionFromQueryGateway } from './session-from-query.gateway.js';

interface RoomMessage {
  event: 'room.message';
  data: { room: string; from: string; text: string; at: number };
}

describe('rooms in one process', () => {
  let t: TestApp;

  beforeEach(async () => {
    t = await createTestApp({
      providers: [ChatGateway, RoomsGateway, SessionFromQueryGateway],
      module: { heartbeat: false },
    });
  });
  afterEach(() => t.close());

  const connectAs = (user: string) => t.connect(`/ws?user=${user}`);

  async function connectionIdOf(client: WsTestClient): Promise<string> {
    const reply = await client.request<{ data: { connectionId: string } }>('whoami');
    return reply.data.connectionId;
  }

  it('joins, lists members, delivers to every member, and leaves', async () => {
    const alice = await connectAs('alice');
    const bob = await connectAs('bob');
    expect(await alice.request('room.join', { room: 'lobby' })).toEqual({
      event: 'room.joined',
      data: {
        room: 'lobby',
        members: ['alice'],
        pos: { room: 'lobby', offset: 0, epoch: expect.any(String) },
      },
      id: '1',
    });
    expect(await bob.request('room.join', { room: 'lobby' })).toEqual({
      event: 'room.joined',
      data: {
        room: 'lobby',
        members: ['alice', 'bob'],
        pos: { room: 'lobby', offset: 0, epoch: expect.any(String) },
      },
      id: '1',
    });

    const before = Date.now();
    alice.send({ event: 'room.send', data: { room: 'lobby', text: 'hi all' } });
    for (const client of [alice, bob]) {
      const frame = await client.next<RoomMessage>();
      expect(frame).toEqual({
        event: 'room.message',
        data: { room: 'lobby', from: 'alice', text: 'hi all', at: expect.any(Number) },
        pos: { room: 'lobby', offset: 1, epoch: expect.any(String) },
      });
      expect(frame.data.at).toBeGreaterThanOrEqual(before);
    }

    expect(await bob.request('room.leave', { room: 'lobby' })).toEqual({
      event: 'room.left',
      data: { room: 'lobby' },
      id: '2',
    });
    alice.send({ event: 'room.send', data: { room: 'lobby', text: 'alone' } });
    expect((await alice.next<RoomMessage>()).data.text).toBe('alone');
    expect(await bob.quietFor(100)).toBe(true);
  });

  it('answers FORBIDDEN to a sender that is not a member', async () => {
    const alice = await connectAs('alice');
    const mallory = await connectAs('mallory');
    await alice.request('room.join', { room: 'lobby' });
    mallory.send({ event: 'room.send', data: { room: 'lobby', text: 'let me in' }, id: 's1' });
    expect(await mallory.nextError('FORBIDDEN')).toEqual({
      code: 'FORBIDDEN',
      message: 'Join the room before sending to it',
      event: 'room.send',
      id: 's1',
    });
    expect(await alice.quietFor(100)).toBe(true);
    expect(mallory.socket.readyState).toBe(mallory.socket.OPEN);
  });

  it.each([
    ['an empty room', { room: '' }, 'room.join', 'room'],
    ['a room with a space', { room: 'bad room' }, 'room.join', 'room'],
    ['a room of 65 characters', { room: 'r'.repeat(65) }, 'room.join', 'room'],
    ['a room that is not a string', { room: 7 }, 'room.leave', 'room'],
    ['an empty text', { room: 'lobby', text: '' }, 'room.send', 'text'],
    ['a text over 4096 characters', { room: 'lobby', text: 'x'.repeat(4097) }, 'room.send', 'text'],
  ])('answers VALIDATION_FAILED to %s', async (_name, data, event, path) => {
    const alice = await connectAs('alice');
    alice.send({ event, data, id: 'v' });
    const error = await alice.nextError('VALIDATION_FAILED');
    expect(error.id).toBe('v');
    expect(error.event).toBe(event);
    expect(error.details).toEqual([{ path, constraints: expect.any(Array) }]);
  });

  it('accepts room names of letters, digits, "-", "_" and "." up to 64 characters', async () => {
    const alice = await connectAs('alice');
    const room = `A-z_0.9${'r'.repeat(57)}`;
    expect(room).toHaveLength(64);
    expect(await alice.request('room.join', { room })).toMatchObject({
      event: 'room.joined',
      data: { room, members: ['alice'] },
    });
  });

  it('falls back to the connection id without a session', async () => {
    const anonymous = await t.connect('/ws');
    const connectionId = await connectionIdOf(anonymous);
    expect(await anonymous.request('room.join', { room: 'lobby' })).toMatchObject({
      data: { room: 'lobby', members: [connectionId] },
    });
    anonymous.send({ event: 'room.send', data: { room: 'lobby', text: 'who am i' } });
    expect((await anonymous.next<RoomMessage>()).data.from).toBe(connectionId);
  });

  it('leaves every room when the connection closes', async () => {
    const rooms = t.app.get(WsRooms);
    const alice = await connectAs('alice');
    const bob = await connectAs('bob');
    await alice.request('room.join', { room: 'one' });
    await alice.request('room.join', { room: 'two' });
    await bob.request('room.join', { room: 'two' });
    expect(rooms.localMemberCount('one')).toBe(1);
    expect(rooms.localMemberCount('two')).toBe(2);

    alice.close();
    await alice.closed;
    await expect.poll(() => rooms.localMemberCount('two')).toBe(1);
    expect(rooms.localMemberCount('one')).toBe(0);
    expect((await rooms.members('one')).length).toBe(0);
    expect((await rooms.members('two')).map((member) => member.userId)).toEqual(['bob']);
    expect(await bob.request('room.join', { room: 'two' })).toMatchObject({
      data: { room: 'two', members: ['bob'] },
    });
  });

  it('sends one text frame, encoded once, to every local member', async () => {
    const rooms = t.app.get(WsRooms);
    const clients = await Promise.all(Array.from({ length: 20 }, (_, i) => connectAs(`u${i}`)));
    for (const client of clients) await client.request('room.join', { room: 'big' });
    rooms.send('big', 'notice', { text: 'héllo ✓ 🎉' });
    // Text frames (the test client hands binary ones over as Buffers), byte for byte.
    const frames = await Promise.all(clients.map((client) => client.nextRaw()));
    for (const frame of frames) expect(typeof frame).toBe('string');
    // The room keeps history (the reference gateway says so): the frame carries its position.
    expect(frames[0]).toMatch(
      /^\{"event":"notice","data":\{"text":"héllo ✓ 🎉"\},"pos":\{"room":"big","offset":1,"epoch":"[a-z0-9]{8}"\}\}$/,
    );
    expect(new Set(frames).size).toBe(1);

    // Past 65,535 bytes the frame's length takes 8 bytes.
    const long = '🎉'.repeat(20_000);
    rooms.send('big', 'notice', { text: long });
    for (const client of clients) {
      const frame = await client.nextRaw();
      expect(typeof frame).toBe('string');
      expect(JSON.parse(frame as string)).toMatchObject({ event: 'notice', data: { text: long } });
    }
  });

  it('delivers to every connection of a user and closes them on demand', async () => {
    const users = t.app.get(WsUsers);
    const phone = await connectAs('carol');
    const laptop = await connectAs('carol');
    const other = await connectAs('dave');
    users.sendToUser('carol', 'notice', { text: 'hello carol' });
    for (const client of [phone, laptop]) {
      expect(await client.next()).toEqual({ event: 'notice', data: { text: 'hello carol' } });
    }
    expect(await other.quietFor(100)).toBe(true);

    users.disconnectUser('carol');
    for (const client of [phone, laptop]) {
      await client.nextError('SESSION_REVOKED');
      expect(await client.closed).toEqual({ code: 4403, reason: 'SESSION_REVOKED' });
    }
    expect(other.socket.readyState).toBe(other.socket.OPEN);
  });
});

describe('the rooms limit per connection', () => {
  it('answers a join beyond maxRoomsPerConnection with BAD_REQUEST, and allows re-joining', async () => {
    const t = await createTestApp({
      providers: [ChatGateway, RoomsGateway, SessionFromQueryGateway],
      module: { heartbeat: false, maxRoomsPerConnection: 2 },
    });
    try {
      const alice = await t.connect('/ws?user=alice');
      expect(await alice.request('room.join', { room: 'a' })).toMatchObject({
        event: 'room.joined',
      });
      expect(await alice.request('room.join', { room: 'b' })).toMatchObject({
        event: 'room.joined',
      });
      expect(await alice.request('room.join', { room: 'a' })).toMatchObject({
        event: 'room.joined',
      });
      expect(await alice.request('room.join', { room: 'c' })).toEqual({
        event: 'error',
        data: {
          code: 'BAD_REQUEST',
          message: 'A connection may be in at most 2 rooms',
          event: 'room.join',
        },
        id: '4',
      });
      expect(await alice.request('room.leave', { room: 'b' })).toMatchObject({
        event: 'room.left',
      });
      expect(await alice.request('room.join', { room: 'c' })).toMatchObject({
        event: 'room.joined',
      });
    } finally {
      await t.close();
    }
  });
});
