import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyKeys, topicChannel } from '../../src/history/redis-history.scripts.js';
import { RedisHistoryStore } from '../../src/history/redis-history.store.js';
import { positionOfFrame } from '../../src/history/room-position.js';
import { RedisServer } from '../../src/testing/redis-server.js';
import {
  PREVIOUS_APPEND_SCRIPT,
  PREVIOUS_SINCE_SCRIPT,
} from './support/previous-history-scripts.js';

/** A frame's JSON without its closing brace, as `WsRooms` hands it to the store. */
const body = (i: number) => `{"event":"room.message","data":{"i":${i}}`;
const DAY_MS = 24 * 60 * 60 * 1000;

let server: RedisServer;
let redis: Redis;
beforeAll(async () => {
  server = await RedisServer.start();
  redis = new Redis(server.url);
});
afterAll(async () => {
  redis?.disconnect();
  await server?.stop();
});

/** The commands Redis ran on keys or channels under `prefix` (scripts' own calls included), by name. */
async function watchCommands(prefix: string) {
  const monitor = await new Redis(server.url).monitor();
  const names: string[] = [];
  monitor.on('monitor', (_time: string, args: string[]) => {
    const name = String(args[0]).toUpperCase();
    if (name !== 'EVAL' && name !== 'EVALSHA' && String(args[1]).startsWith(prefix)) {
      names.push(name);
    }
  });
  return {
    /** Every command Redis ran before this call, seen. */
    async settled(): Promise<void> {
      await redis.echo(`${prefix}mark`);
      await expect.poll(() => names.at(-1)).toBe('ECHO');
      names.pop();
    },
    count: (name: string) => names.filter((seen) => seen === name).length,
    names: () => new Set(names),
    stop: () => monitor.disconnect(),
  };
}

describe('the Redis history append', () => {
  it('costs a paced sender HMGET, HINCRBY, XADD and PUBLISH per message; trim and expiry at most once a second', async () => {
    const store = new RedisHistoryStore(redis, 'paced:');
    const retention = { size: 100, ttlMs: 120_000 };
    const commands = await watchCommands('paced:');
    try {
      const messages = 20;
      const started = performance.now();
      // One message per loop turn, as a paced sender sends: one script call each.
      for (let i = 1; i <= messages; i++) {
        expect((await store.publish('paced', 'room:paced', body(i), retention)).offset).toBe(i);
      }
      const elapsed = performance.now() - started;
      await commands.settled();
      for (const name of ['HMGET', 'HINCRBY', 'XADD', 'PUBLISH']) {
        expect(commands.count(name)).toBe(messages);
      }
      const upkeeps = commands.count('XTRIM');
      expect(upkeeps).toBeGreaterThanOrEqual(1);
      expect(upkeeps).toBeLessThanOrEqual(Math.floor(elapsed / 1000) + 1);
      expect(commands.count('PEXPIRE')).toBe(2 * upkeeps);
      // One HSET made the epoch; each upkeep notes its time.
      expect(commands.count('HSET')).toBe(1 + upkeeps);
      expect(commands.names()).toEqual(
        new Set(['HMGET', 'DEL', 'HSET', 'HINCRBY', 'XADD', 'PUBLISH', 'XTRIM', 'PEXPIRE']),
      );
    } finally {
      commands.stop();
    }
  });

  it("keeps a quiet room's messages their ttl after the last one, though its expiry was set before it, then lets the stream expire", async () => {
    const store = new RedisHistoryStore(redis, 'quiet:');
    const retention = { size: 100, ttlMs: 2000 };
    const [stream, meta] = historyKeys('quiet:', 'quiet');
    const first = await store.publish('quiet', 'room:quiet', body(1), retention);
    await sleep(700);
    // Within the upkeep interval of the first: its expiry is not refreshed.
    const sentAt = performance.now();
    const second = await store.publish('quiet', 'room:quiet', body(2), retention);
    const left = await redis.pttl(stream);
    expect(left).toBeGreaterThanOrEqual(retention.ttlMs - (performance.now() - sentAt));
    expect(left).toBeLessThanOrEqual(retention.ttlMs + 1000);
    await sleep(Math.max(0, sentAt + 1600 - performance.now()));
    const since = await store.since('quiet', first.offset, first.epoch, retention);
    expect(since).toEqual({ recovered: true, frames: [expect.any(String)], position: second });
    expect(since.recovered && positionOfFrame(since.frames[0] as string)).toEqual({
      offset: second.offset,
      epoch: second.epoch,
    });
    // Gone within ttl + the upkeep interval of the last upkeep; the meta hash keeps the epoch.
    await expect.poll(() => redis.exists(stream), { timeout: 5000, interval: 100 }).toBe(0);
    expect(await redis.pttl(meta)).toBeGreaterThan(DAY_MS - 60_000);
    expect((await store.since('quiet', first.offset, first.epoch, retention)).recovered).toBe(
      false,
    );
    const third = await store.publish('quiet', 'room:quiet', body(3), retention);
    expect(third).toEqual({ room: 'quiet', offset: 3, epoch: first.epoch });
  });

  it('replays at most size messages, though the stream may keep a few more', async () => {
    const store = new RedisHistoryStore(redis, 'size:');
    const retention = { size: 5, ttlMs: 120_000 };
    const [stream] = historyKeys('size:', 'sized');
    // One loop turn: one script call for the 60.
    const positions = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        store.publish('sized', 'room:sized', body(i), retention),
      ),
    );
    const top = positions.at(-1) as { offset: number; epoch: string };
    expect(top.offset).toBe(60);
    expect(await redis.xlen(stream)).toBeLessThanOrEqual(5 + 100);
    const kept = await store.since('sized', 55, top.epoch, retention);
    expect(kept.recovered && kept.frames.map((frame) => positionOfFrame(frame)?.offset)).toEqual([
      56, 57, 58, 59, 60,
    ]);
    expect((await store.since('sized', 54, top.epoch, retention)).recovered).toBe(false);
    for (let i = 0; i < 40; i++) await store.publish('sized', 'room:sized', body(i), retention);
    expect(await redis.xlen(stream)).toBeLessThanOrEqual(5 + 100);
  });

  it("shares a room's offsets, epoch and stream with a node of the previous release (a rolling deploy)", async () => {
    const prefix = 'mixed:';
    const room = 'mixed';
    const retention = { size: 100, ttlMs: 120_000 };
    const keys = historyKeys(prefix, room);
    const channel = topicChannel(prefix, `room:${room}`);
    const store = new RedisHistoryStore(redis, prefix);
    const previousNode = (...bodies: string[]) =>
      redis.eval(
        PREVIOUS_APPEND_SCRIPT,
        2,
        ...keys,
        'oldepoch',
        DAY_MS,
        room,
        retention.size,
        retention.ttlMs,
        channel,
        'history',
        ...bodies,
      ) as Promise<[number, string]>;
    const subscriber = new Redis(server.url);
    const published: string[] = [];
    subscriber.on('message', (_channel: string, message: string) => published.push(message));
    await subscriber.subscribe(channel);
    try {
      let i = 0;
      // The previous release starts the room, then both send, one at a time and in turns of several.
      expect(await previousNode(body(++i))).toEqual([1, 'oldepoch']);
      expect(await store.publish(room, `room:${room}`, body(++i), retention)).toEqual({
        room,
        offset: 2,
        epoch: 'oldepoch',
      });
      expect(await previousNode(body(++i), body(++i), body(++i))).toEqual([3, 'oldepoch']);
      await Promise.all(
        [1, 2, 3].map(() => store.publish(room, `room:${room}`, body(++i), retention)),
      );
      expect(await previousNode(body(++i))).toEqual([9, 'oldepoch']);
      expect((await store.publish(room, `room:${room}`, body(++i), retention)).offset).toBe(10);
      await expect.poll(() => published.length).toBe(10);
      const frames = published.map((message) => message.slice('history|'.length));
      expect(frames.map((frame) => positionOfFrame(frame))).toEqual(
        Array.from({ length: 10 }, (_, n) => ({ offset: n + 1, epoch: 'oldepoch' })),
      );
      expect(frames.map((frame) => JSON.parse(frame).data.i)).toEqual(
        Array.from({ length: 10 }, (_, n) => n + 1),
      );
      // Either release's resume replays the same frames.
      const since = await store.since(room, 0, 'oldepoch', retention);
      expect(since).toEqual({
        recovered: true,
        frames,
        position: { room, offset: 10, epoch: 'oldepoch' },
      });
      const previousSince = await redis.eval(
        PREVIOUS_SINCE_SCRIPT,
        2,
        ...keys,
        'neverused',
        600_000,
        0,
        retention.ttlMs,
        'oldepoch',
      );
      expect(previousSince).toEqual(['oldepoch', 10, 1, ...frames]);
      // The previous release's per-message expiry and this one's upkeep agree on the keys' lifetimes.
      expect(await redis.pttl(keys[0])).toBeGreaterThan(retention.ttlMs - 10_000);
      expect(await redis.pttl(keys[0])).toBeLessThanOrEqual(retention.ttlMs + 1000);
      expect(await redis.pttl(keys[1])).toBeGreaterThan(DAY_MS - 60_000);
    } finally {
      subscriber.disconnect();
    }
  });

  it('starts a new epoch when the meta hash is gone, whichever release writes next', async () => {
    const prefix = 'lost:';
    const retention = { size: 100, ttlMs: 120_000 };
    const keys = historyKeys(prefix, 'lost');
    const store = new RedisHistoryStore(redis, prefix);
    const before = await store.publish('lost', 'room:lost', body(1), retention);
    await redis.del(keys[1]);
    const after = await store.publish('lost', 'room:lost', body(2), retention);
    expect(after.offset).toBe(1);
    expect(after.epoch).not.toBe(before.epoch);
    // The stream of the lost epoch went with it: only the new message is kept.
    expect(await redis.xlen(keys[0])).toBe(1);
    expect(await redis.pttl(keys[0])).toBeGreaterThan(0);
    expect(await redis.pttl(keys[1])).toBeGreaterThan(DAY_MS - 60_000);
    expect((await store.since('lost', 0, after.epoch, retention)).recovered).toBe(true);
    expect((await store.since('lost', 1, before.epoch, retention)).recovered).toBe(false);
  });

  it('answers a resume sent while its connection is still opening (a node just started), but fails at once once Redis is lost', async () => {
    const store = new RedisHistoryStore(redis, 'opening:');
    const retention = { size: 100, ttlMs: 120_000 };
    const sent = await store.publish('opening', 'room:opening', body(1), retention);
    // As the bus's command connection: no offline queue, no retries.
    const opening = new Redis(server.url, { enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    try {
      const fresh = new RedisHistoryStore(opening, 'opening:');
      expect(opening.status).toBe('connecting');
      expect(await fresh.since('opening', 0, sent.epoch, retention)).toEqual({
        recovered: true,
        frames: [expect.any(String)],
        position: sent,
      });
      expect(await fresh.position('opening')).toEqual(sent);
      // Reconnecting after a loss is no handshake to wait for: the read fails at once.
      opening.disconnect(true);
      const started = performance.now();
      await expect(fresh.since('opening', 0, sent.epoch, retention)).rejects.toThrow();
      expect(performance.now() - started).toBeLessThan(500);
    } finally {
      opening.disconnect();
    }
  });
});
