import { afterEach, describe, expect, it } from 'vitest';
import { type ProtectionOptions } from '../../src/protection/protection-options.interface.js';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';
import { type WsTestClient } from '../../src/testing/ws-test-client.js';
import { GuardedGateway } from './support/guarded.gateway.js';

describe('message rate limits', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  async function boot(protection: ProtectionOptions): Promise<TestApp> {
    t = await createTestApp({ providers: [GuardedGateway], module: { protection } });
    return t;
  }

  /**
   * Sends `count` frames of `event` at once and returns the answers ordered
   * by request id (a refusal is sent at once, a reply when its handler's
   * promise settles, so they may arrive interleaved).
   */
  async function burst(client: WsTestClient, event: string, count: number) {
    for (let i = 1; i <= count; i += 1) client.send({ event, data: i, id: i });
    const frames: Array<Record<string, unknown>> = [];
    for (let i = 0; i < count; i += 1) frames.push(await client.next());
    return frames.sort((a, b) => (a.id as number) - (b.id as number));
  }

  /** Every frame until the connection closes, ordered by request id, and the close. */
  async function untilClosed(client: WsTestClient) {
    const frames: Array<Record<string, unknown>> = [];
    const closed = await client.closed;
    for (;;) {
      const frame = await client.next(50).catch(() => undefined);
      if (!frame) break;
      frames.push(frame);
    }
    return { closed, frames: frames.sort((a, b) => (a.id as number) - (b.id as number)) };
  }

  it('answers RATE_LIMITED with retryAfterMs past the burst, and the connection stays open', async () => {
    const app = await boot({
      messageRate: { points: 1, durationMs: 60_000, burst: 3 },
      abuse: false,
    });
    const client = await app.connect('/guarded');
    const frames = await burst(client, 'echo', 5);
    expect(frames.slice(0, 3)).toEqual([1, 2, 3].map((i) => ({ event: 'echo', data: i, id: i })));
    for (const [index, frame] of frames.slice(3).entries()) {
      expect(frame).toEqual({
        event: 'error',
        data: {
          code: 'RATE_LIMITED',
          message: 'Too many messages',
          event: 'echo',
          retryAfterMs: expect.any(Number),
        },
        id: 4 + index,
      });
      const retryAfterMs = (frame.data as { retryAfterMs: number }).retryAfterMs;
      expect(retryAfterMs).toBeGreaterThan(55_000);
      expect(retryAfterMs).toBeLessThanOrEqual(60_000);
    }
    expect(await client.quietFor(50)).toBe(true);
    expect(client.socket.readyState).toBe(client.socket.OPEN);
  });

  it('closes 4429 after persistent abuse (N refusals in a window)', async () => {
    const app = await boot({
      messageRate: { points: 1, durationMs: 60_000, burst: 2 },
      abuse: { maxRefusals: 3, windowMs: 60_000 },
    });
    const client = await app.connect('/guarded');
    expect(await client.request('echo', 'a')).toEqual({ event: 'echo', data: 'a', id: '1' });
    expect(await client.request('echo', 'b')).toEqual({ event: 'echo', data: 'b', id: '2' });
    for (let i = 3; i <= 10; i += 1) client.send({ event: 'echo', data: i, id: i });
    const { closed, frames } = await untilClosed(client);
    expect(closed).toEqual({ code: 4429, reason: 'RATE_LIMITED' });
    expect(frames.map((frame) => [frame.id, (frame.data as { code: string }).code])).toEqual([
      [3, 'RATE_LIMITED'],
      [4, 'RATE_LIMITED'],
      [5, 'RATE_LIMITED'],
    ]);
  });

  it('meets a burst of thousands of messages with the default limits: refused, then closed 4429', async () => {
    const app = await boot({});
    const client = await app.connect('/guarded');
    for (let i = 1; i <= 3000; i += 1) client.send({ event: 'echo', data: i, id: i });
    const { closed, frames } = await untilClosed(client);
    expect(closed).toEqual({ code: 4429, reason: 'RATE_LIMITED' });
    // Replies to the messages let through may be cut by the close; the refusals are not.
    const refusals = frames.filter(
      (frame) => (frame.data as { code?: string }).code === 'RATE_LIMITED',
    ).length;
    expect(refusals).toBe(50);
  });

  it('lets @RateLimit() give a handler its own limit, or none', async () => {
    const app = await boot({
      messageRate: { points: 1, durationMs: 60_000, burst: 3 },
      userMessageRate: { points: 1, durationMs: 60_000, burst: 3 },
      abuse: false,
    });
    const client = await app.connect('/guarded');
    const scarce = await burst(client, 'scarce', 3);
    expect(scarce.slice(0, 2)).toEqual([
      { event: 'scarce', data: 'granted', id: 1 },
      { event: 'scarce', data: 'granted', id: 2 },
    ]);
    expect(scarce[2]).toMatchObject({
      event: 'error',
      data: { code: 'RATE_LIMITED', event: 'scarce' },
      id: 3,
    });
    // `scarce` used its own bucket: the connection's three tokens are intact.
    expect(await burst(client, 'echo', 3)).toEqual(
      [1, 2, 3].map((i) => ({ event: 'echo', data: i, id: i })),
    );
    // `free` is exempt from the connection's limit.
    const free = await burst(client, 'free', 10);
    expect(free.every((frame) => frame.event === 'free')).toBe(true);
    // ...and from the user's limit.
    const user = await app.connect('/guarded?user=carol');
    const fromUser = await burst(user, 'free', 10);
    expect(fromUser.every((frame) => frame.event === 'free')).toBe(true);
  });

  it('limits a user over all their connections, and no one else', async () => {
    const app = await boot({
      messageRate: false,
      userMessageRate: { points: 1, durationMs: 60_000, burst: 3 },
      abuse: false,
    });
    const first = await app.connect('/guarded?user=alice');
    const second = await app.connect('/guarded?user=alice');
    const bob = await app.connect('/guarded?user=bob');
    expect(await burst(first, 'echo', 2)).toEqual(
      [1, 2].map((i) => ({ event: 'echo', data: i, id: i })),
    );
    const fromSecond = await burst(second, 'echo', 2);
    expect(fromSecond[0]).toEqual({ event: 'echo', data: 1, id: 1 });
    expect(fromSecond[1]).toMatchObject({ event: 'error', data: { code: 'RATE_LIMITED' }, id: 2 });
    expect(await burst(bob, 'echo', 3)).toEqual(
      [1, 2, 3].map((i) => ({ event: 'echo', data: i, id: i })),
    );
  });

  it('refills tokens over time', async () => {
    const app = await boot({
      messageRate: { points: 20, durationMs: 1000, burst: 1 },
      abuse: false,
    });
    const client = await app.connect('/guarded');
    const [, refused] = await burst(client, 'echo', 2);
    const { retryAfterMs } = (refused as { data: { retryAfterMs: number } }).data;
    expect(retryAfterMs).toBeLessThanOrEqual(50);
    await new Promise((resolve) => setTimeout(resolve, retryAfterMs + 10));
    expect(await client.request('echo', 'again')).toEqual({
      event: 'echo',
      data: 'again',
      id: '1',
    });
  });
});
