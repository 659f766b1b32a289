import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ChatGateway } from '../../src/app/gateways/chat.gateway.js';
import { RoomsGateway } from '../../src/app/gateways/rooms.gateway.js';
import { type RoomResumeResult, type ServerFrame, WsClient } from '../../src/client/index.js';
import { type Connection } from '../../src/connection/connection.js';
import { ConnectionRegistry } from '../../src/connection/connection-registry.js';
import { WsRooms } from '../../src/rooms/ws-rooms.service.js';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';
import { type WsTestClient } from '../../src/testing/ws-test-client.js';
import { SessionFromQueryGateway } from '../rooms/session-from-query.gateway.js';
import { KeyProbeGateway } from './support/key-probe.gateway.js';

interface Message {
  room: string;
  text: string;
}

describe('WsClient resumes its rooms after a reconnect', () => {
  let t: TestApp;
  let alice: WsTestClient;
  let bob: WsClient;
  /** What bob's app saw: texts and offsets of `room.message`, in order. */
  let seen: Array<{ text: string; offset: number | undefined }>;
  let resumes: RoomResumeResult[][];

  beforeEach(async () => {
    t = await createTestApp({
      providers: [ChatGateway, RoomsGateway, SessionFromQueryGateway, KeyProbeGateway],
      module: { heartbeat: false, protection: { messageRate: false, userMessageRate: false } },
    });
    alice = await t.connect('/ws?user=alice');
    await alice.request('room.join', { room: 'lobby' });
    bob = new WsClient({
      url: t.url('/ws?user=bob'),
      WebSocket,
      reconnect: { initialDelayMs: 20, maxDelayMs: 100 },
    });
    seen = [];
    resumes = [];
    bob.on<Message>('room.message', (data, frame: ServerFrame<Message>) =>
      seen.push({ text: data.text, offset: frame.pos?.offset }),
    );
    bob.onResume((rooms) => resumes.push(rooms));
    await bob.connect();
  });
  afterEach(async () => {
    bob.close();
    await t.close();
  });

  /** Cuts bob's socket from the server side, as a network drop would. */
  function dropBob(): void {
    for (const connection of t.app.get(ConnectionRegistry).all()) {
      if (connection.session?.userId === 'bob') connection.socket.terminate();
    }
  }

  const say = (texts: string[]) => {
    for (const text of texts) alice.send({ event: 'room.send', data: { room: 'lobby', text } });
  };

  it('gets what it missed, in order, once, and says the room was recovered', async () => {
    await bob.request('room.join', { room: 'lobby' });
    expect(bob.positions.get('lobby')).toEqual({
      room: 'lobby',
      offset: 0,
      epoch: expect.any(String),
    });
    say(['a', 'b']);
    await expect.poll(() => seen.length).toBe(2);
    const reconnected = new Promise<void>((resolve) => {
      const off = bob.onStateChange((state) => {
        if (state === 'reconnecting') {
          say(['c', 'd', 'e']);
          off();
          resolve();
        }
      });
    });
    dropBob();
    await reconnected;
    await expect.poll(() => resumes.length).toBe(1);
    expect(resumes[0]).toEqual([{ room: 'lobby', recovered: true, missed: 3 }]);
    say(['f']);
    await expect.poll(() => seen.length).toBe(6);
    expect(seen).toEqual(
      ['a', 'b', 'c', 'd', 'e', 'f'].map((text, i) => ({ text, offset: i + 1 })),
    );

    // A replay of what it holds already is dropped by offset: the app sees nothing twice.
    const { epoch } = bob.positions.get('lobby') ?? { epoch: '' };
    await bob.request('session.resume', { rooms: [{ room: 'lobby', offset: 0, epoch }] });
    say(['g']);
    await expect.poll(() => seen.length).toBe(7);
    expect(seen.map((entry) => entry.text).join('')).toBe('abcdefg');
  });

  it('resumes a room by itself when a push skips offsets: the skipped ones, then the rest, once, in order', async () => {
    await bob.request('room.join', { room: 'lobby' });
    say(['a', 'b']);
    await expect.poll(() => seen.length).toBe(2);
    // The server side leaves bob out of the room for three messages (as a node of an earlier
    // release could, after missing them): bob's next push skips offsets 3 to 5.
    const rooms = t.app.get(WsRooms);
    const connection = [...t.app.get(ConnectionRegistry).all()].find(
      (each) => each.session?.userId === 'bob',
    ) as Connection;
    await rooms.leave(connection, 'lobby');
    say(['c', 'd', 'e']);
    // Stored and delivered once alice, a member all along, has 'e'.
    while ((await alice.next<{ data?: { text?: string } }>()).data?.text !== 'e');
    await rooms.join(connection, 'lobby');
    say(['f', 'g']);
    await expect.poll(() => seen.length).toBe(7);
    expect(seen).toEqual(
      ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((text, i) => ({ text, offset: i + 1 })),
    );
    expect(resumes).toEqual([[{ room: 'lobby', recovered: true, missed: expect.any(Number) }]]);
    expect(bob.state).toBe('open');
  });

  it('says HISTORY_LOST for a room whose epoch changed, and follows the new one', async () => {
    await bob.request('room.join', { room: 'lobby' });
    const held = bob.positions.get('lobby');
    bob.positions.advance({ room: 'lobby', offset: 0, epoch: 'gone' });
    dropBob();
    await expect.poll(() => resumes.length).toBe(1);
    expect(resumes[0]).toEqual([{ room: 'lobby', recovered: false, reason: 'HISTORY_LOST' }]);
    expect(bob.positions.get('lobby')).toEqual(held);
  });

  it('sends an unanswered idempotent request again after the resume, with the same key', async () => {
    const probe = t.app.get(KeyProbeGateway);
    await bob.request('room.join', { room: 'lobby' });
    const reply = bob.request('slow', { ms: 300 }, { idempotent: true });
    const plain = bob.request('slow', { ms: 300 });
    await expect.poll(() => probe.frames.length).toBe(2);
    dropBob();
    await expect(plain).rejects.toMatchObject({ code: 'CONNECTION_LOST' });
    expect(await reply).toEqual({ ms: 300 });
    expect(probe.frames).toHaveLength(3);
    const [first, , again] = probe.frames;
    expect(first?.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(again).toEqual(first);
    expect(resumes).toHaveLength(1);
  });
});
