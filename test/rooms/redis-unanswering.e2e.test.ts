import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer } from '../../src/testing/redis-server.js';
import { type TestApp } from '../../src/testing/test-app.js';
import { busOf, healthOf, type RoomMessage, sayInLobby, startNode } from './two-nodes.js';

const COMMAND_TIMEOUT_MS = 400;
const UNAVAILABLE = 'Redis unavailable: messages stay on this node until it is back';

describe('Redis stops answering and goes on', () => {
  let redis: RedisServer;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    redis = await RedisServer.start();
    const options = { url: redis.url, commandTimeoutMs: COMMAND_TIMEOUT_MS };
    [a, b] = await Promise.all([startNode(options), startNode(options)]);
  });
  afterAll(async () => {
    redis?.thaw();
    await Promise.all([a?.close(), b?.close()]);
    await redis?.stop();
  });

  it('ends the silent connections after commandTimeoutMs, keeps local delivery, and resumes across nodes', async () => {
    const alice = await a.connect('/ws?user=alice');
    const anna = await a.connect('/ws?user=anna');
    const bob = await b.connect('/ws?user=bob');
    await expect.poll(() => busOf(a).isHealthy() && busOf(b).isHealthy()).toBe(true);
    for (const client of [alice, anna, bob]) await client.request('room.join', { room: 'lobby' });
    sayInLobby(alice, 'before');
    for (const client of [alice, anna, bob]) {
      expect((await client.next<RoomMessage>()).data.text).toBe('before');
    }

    // A connection that answers is never ended, however long it is busy.
    for (let i = 0; i < 12; i++) {
      sayInLobby(alice, `busy ${i}`);
      await new Promise((resolve) => setTimeout(resolve, COMMAND_TIMEOUT_MS / 4));
    }
    for (const client of [alice, anna, bob]) {
      for (let i = 0; i < 12; i++) {
        expect((await client.next<RoomMessage>()).data.text).toBe(`busy ${i}`);
      }
    }
    expect(a.logs.withMessage(UNAVAILABLE)).toHaveLength(0);

    redis.freeze();
    const frozenAt = Date.now();
    // Sent to a server that answers nothing: delivered here at once, and
    // counted as undelivered across nodes once the connection is ended.
    for (let i = 0; i < 5; i++) sayInLobby(alice, `during ${i}`);
    for (const client of [alice, anna]) {
      for (let i = 0; i < 5; i++) {
        expect((await client.next<RoomMessage>()).data.text).toBe(`during ${i}`);
      }
    }
    await expect.poll(() => busOf(a).isHealthy(), { timeout: 5000 }).toBe(false);
    expect(Date.now() - frozenAt).toBeGreaterThanOrEqual(COMMAND_TIMEOUT_MS);
    const lost = a.logs.withMessage(UNAVAILABLE);
    expect(lost).toHaveLength(1);
    expect(lost[0]?.err).toMatchObject({
      message: `Redis left a command unanswered for ${COMMAND_TIMEOUT_MS} ms`,
    });
    await expect.poll(() => busOf(a).health().undelivered).toBeGreaterThanOrEqual(5);
    expect(busOf(a).health()).toMatchObject({ transport: 'redis', status: 'degraded' });
    expect(await healthOf(a)).toMatchObject({
      status: 503,
      body: { ready: false, error: { redis: { status: 'down', state: 'degraded' } } },
    });
    // Presence falls back to this node's own members, without waiting on Redis.
    expect((await busOf(a).presence.members('lobby')).length).toBe(2);
    // Node B sent no room message, but its presence heartbeat met the same silence.
    await expect.poll(() => busOf(b).isHealthy(), { timeout: 5000 }).toBe(false);
    expect(await bob.quietFor(200)).toBe(true);

    redis.thaw();
    await expect.poll(() => busOf(a).isHealthy(), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => busOf(b).isHealthy(), { timeout: 10_000 }).toBe(true);
    // What the frozen server had read before its connection was ended, it
    // still carries out when it goes on: bob may get those messages late, in
    // order, before the ones sent after.
    const late: string[] = [];
    let received: RoomMessage | undefined;
    for (let attempt = 0; attempt < 20 && !received; attempt++) {
      sayInLobby(alice, `after ${attempt}`);
      for (;;) {
        received = await bob.next<RoomMessage>(250).catch(() => undefined);
        if (!received?.data.text.startsWith('during')) break;
        late.push(received.data.text);
      }
    }
    expect(received?.data.text).toMatch(/^after \d+$/);
    expect(late).toEqual(
      ['during 0', 'during 1', 'during 2', 'during 3', 'during 4'].slice(0, late.length),
    );
    await expect
      .poll(() => a.logs.withMessage('Redis reachable again: delivery across nodes resumed'))
      .toHaveLength(1);
    expect(a.logs.withMessage(UNAVAILABLE)).toHaveLength(1);
    expect(await healthOf(a)).toMatchObject({ status: 200, body: { ready: true } });
  });
});
