import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type RoomResumeResult, type ServerFrame, WsClient } from '../../src/client/index.js';
import { WsRooms } from '../../src/rooms/ws-rooms.service.js';
import { RedisServer } from '../../src/testing/redis-server.js';
import { type TestApp } from '../../src/testing/test-app.js';
import { type WsTestClient } from '../../src/testing/ws-test-client.js';
import {
  framesUntilReply,
  joinAt,
  type ResumeReplyFrame,
  type RoomMessageFrame,
  startHistoryApp,
} from './support/history-app.js';

let redis: RedisServer;
let admin: Redis;
beforeAll(async () => {
  redis = await RedisServer.start();
  admin = new Redis(redis.url);
});
afterAll(async () => {
  admin?.disconnect();
  await redis?.stop();
});

/**
 * Reading the history fails (the history read's script calls XREVRANGE,
 * which the ACL now refuses: NOPERM), while storing and publishing go on.
 */
const refuseHistoryReads = () => admin.call('ACL', 'SETUSER', 'default', '-xrevrange');
const allowHistoryReads = () => admin.call('ACL', 'SETUSER', 'default', '+@all');
/** Every subscriber connection drops; commands (and so sends) go on. */
const dropSubscriptions = () => admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');

describe('a node that missed messages and cannot read them back', () => {
  let sending: TestApp;
  let missing: TestApp;
  let prefixes = 0;
  afterEach(async () => {
    await allowHistoryReads();
    await Promise.all([sending?.close(), missing?.close()]);
  });

  const start = async (size?: number) => {
    const options = {
      redisUrl: redis.url,
      keyPrefix: `miss${++prefixes}:`,
      history: size === undefined ? undefined : { size },
    };
    sending = await startHistoryApp(options);
    const others = await subscriberIds();
    missing = await startHistoryApp(options);
    return (await subscriberIds()).filter((id) => !others.includes(id));
  };
  /** The ids of Redis's subscriber connections. */
  const subscriberIds = async () =>
    String(await admin.call('CLIENT', 'LIST', 'TYPE', 'pubsub'))
      .split('\n')
      .flatMap((line) => /^id=(\d+)/.exec(line)?.[1] ?? []);

  /** The room messages a client gets, then the first other frame. */
  const messagesUntilOther = async (client: WsTestClient) => {
    const got: RoomMessageFrame[] = [];
    for (;;) {
      const last = await client.next<Record<string, unknown>>(10_000);
      if (last.event !== 'room.message') return { got, last };
      got.push(last as unknown as RoomMessageFrame);
    }
  };

  /** Sends each text to the room, `everyMs` apart, each acknowledged with its position. */
  const say = async (sender: WsTestClient, room: string, texts: string[], everyMs: number) => {
    for (const text of texts) {
      const reply = (
        await framesUntilReply(sender, sender.emit('room.send', { room, text }))
      ).pop();
      expect(reply?.event).toBe('room.sent');
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  };

  it('sends nothing past the hole: RESUME_REQUIRED, close 1012, and a resume brings the rest in order', async () => {
    await start();
    const sender = await sending.connect('/ws?user=sam');
    const member = await missing.connect('/ws?user=mia');
    const joined = await joinAt(sender, 'gap');
    await joinAt(member, 'gap');

    await refuseHistoryReads();
    await dropSubscriptions();
    const texts = Array.from({ length: 60 }, (_, i) => `m${i}`);
    await say(sender, 'gap', texts, 10);

    const { got, last } = await messagesUntilOther(member);
    // What the member got has no hole: offsets from the join's on, one by one.
    expect(got.map((frame) => frame.pos.offset)).toEqual(got.map((_, i) => joined.offset + 1 + i));
    expect(got.length).toBeLessThan(texts.length);
    expect(last).toEqual({
      event: 'error',
      data: {
        code: 'RESUME_REQUIRED',
        message: 'Messages of a room could not be delivered in order; reconnect and resume',
        details: { room: 'gap' },
      },
    });
    const closed = await member.closed;
    expect([closed.code, String(closed.reason)]).toEqual([1012, 'RESUME_REQUIRED']);

    await allowHistoryReads();
    const back = await missing.connect('/ws?user=mia');
    const held = got.at(-1)?.pos ?? joined;
    const id = back.emit('session.resume', { rooms: [held] });
    const frames = await framesUntilReply(back, id);
    const reply = frames.pop() as unknown as ResumeReplyFrame;
    const replayed = frames as unknown as RoomMessageFrame[];
    expect(reply.data.rooms).toEqual([
      {
        room: 'gap',
        recovered: true,
        missed: texts.length - got.length,
        pos: { room: 'gap', offset: joined.offset + texts.length, epoch: joined.epoch },
      },
    ]);
    expect([...got, ...replayed].map((frame) => frame.data.text)).toEqual(texts);
    expect(await back.quietFor(200)).toBe(true);
  });

  it('closes RESUME_REQUIRED when the missed messages are no longer kept, and the resume says HISTORY_LOST', async () => {
    const missingSubscriber = await start(5);
    expect(missingSubscriber).toHaveLength(1);
    const member = await missing.connect('/ws?user=mia');
    const joined = await joinAt(member, 'gap');

    // Reads work; only the member's node loses its subscription, and misses
    // more than the 5 messages the room keeps (sent by the other node's server API).
    await admin.call('CLIENT', 'KILL', 'ID', missingSubscriber[0] as string);
    const rooms = sending.app.get(WsRooms);
    for (let i = 0; i < 20; i++) {
      expect(await rooms.publish('gap', 'room.message', { text: `m${i}` })).toBeDefined();
    }
    const { got, last } = await messagesUntilOther(member);
    expect(got.map((frame) => frame.pos.offset)).toEqual(got.map((_, i) => joined.offset + 1 + i));
    expect(last).toMatchObject({ event: 'error', data: { code: 'RESUME_REQUIRED' } });
    expect((await member.closed).code).toBe(1012);

    const back = await missing.connect('/ws?user=mia');
    const reply = await back.request<ResumeReplyFrame>('session.resume', {
      rooms: [got.at(-1)?.pos ?? joined],
    });
    expect(reply.data.rooms).toEqual([
      {
        room: 'gap',
        recovered: false,
        reason: 'HISTORY_LOST',
        pos: { room: 'gap', offset: joined.offset + 20, epoch: joined.epoch },
      },
    ]);
  });

  it('the typed client ends with every message once, in order, through the close and its retried resumes', async () => {
    await start();
    const sender = await sending.connect('/ws?user=sam');
    await joinAt(sender, 'gap');
    const client = new WsClient({
      url: missing.url('/ws?user=mia'),
      WebSocket,
      reconnect: { initialDelayMs: 20, maxDelayMs: 100 },
    });
    const seen: Array<{ text: string; offset: number | undefined }> = [];
    const resumes: RoomResumeResult[][] = [];
    const closes: number[] = [];
    client.on<{ text: string }>('room.message', (data, frame: ServerFrame<{ text: string }>) =>
      seen.push({ text: data.text, offset: frame.pos?.offset }),
    );
    client.onResume((rooms) => resumes.push(rooms));
    client.onStateChange((_, close) => {
      if (close) closes.push(close.code);
    });
    try {
      await client.connect();
      const joined = (await client.request<{ pos: { offset: number } }>('room.join', {
        room: 'gap',
      })) as { pos: { offset: number } };

      await refuseHistoryReads();
      await dropSubscriptions();
      const texts = Array.from({ length: 60 }, (_, i) => `m${i}`);
      await say(sender, 'gap', texts.slice(0, 30), 10);
      // Reads stay refused past the node's attempts, and past the client's first resume.
      await expect.poll(() => closes, { timeout: 10_000 }).toContain(1012);
      await expect.poll(() => resumes.flat().length, { timeout: 10_000 }).toBeGreaterThan(0);
      await allowHistoryReads();
      // The sender's node missed the same messages: its member was closed RESUME_REQUIRED too.
      const again = await sending.connect('/ws?user=sam');
      await joinAt(again, 'gap');
      await say(again, 'gap', texts.slice(30), 10);

      await expect.poll(() => seen.length, { timeout: 10_000 }).toBe(texts.length);
      expect(seen).toEqual(texts.map((text, i) => ({ text, offset: joined.pos.offset + 1 + i })));
      expect(resumes.flat().map((result) => result.recovered || result.reason)).toContain(
        'UNAVAILABLE',
      );
      expect(resumes.flat().at(-1)).toEqual({
        room: 'gap',
        recovered: true,
        missed: expect.any(Number),
      });
    } finally {
      client.close();
    }
  });
});
