import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogs } from '../../src/testing/log-capture.js';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';
import { framesInOneRead as oneRead, RawWsClient } from '../hostile/support/raw-socket.js';
import { SameReadGateway } from './support/same-read.gateway.js';

/*
 * The frames of one TCP read are dispatched one after the other in the same
 * tick; what a frame's handling left running (an await, a promise, a timer)
 * runs after the next frames were taken in. Its log lines must still carry
 * its own message's ids: this is what rules out one shared
 * `AsyncLocalStorage.run` per read whose store is switched per frame
 * (docs/observability.md, "Node 24: the cost of AsyncLocalStorage").
 */
describe('log context of frames that arrive in one read', () => {
  const logs = captureLogs('info');
  let t: TestApp;
  let client: RawWsClient;

  beforeAll(async () => {
    t = await createTestApp({
      providers: [SameReadGateway],
      module: { logger: logs.logger, heartbeat: false },
    });
    client = await RawWsClient.connect(t.port, '/same-read');
  });
  afterAll(async () => {
    client.socket.destroy();
    await t.close();
  });

  const reply = async () => JSON.parse((await client.nextFrame()).payload.toString()) as unknown;
  const lineOf = (message: string) => {
    const lines = logs.withMessage(message);
    expect(lines).toHaveLength(1);
    return lines[0] as Record<string, unknown>;
  };

  it("an async handler's line after its await carries its frame's ids, not the next frame's", async () => {
    client.write(oneRead({ event: 'awaits', data: 30, id: 'a-1' }, { event: 'mark', id: 'm-1' }));
    expect(await reply()).toEqual({ event: 'awaits', data: 'awaited', id: 'a-1' });
    expect(await reply()).toEqual({ event: 'mark', data: 'marked', id: 'm-1' });
    expect(lineOf('awaits: before await')).toMatchObject({ event: 'awaits', requestId: 'a-1' });
    expect(lineOf('awaits: after await')).toMatchObject({ event: 'awaits', requestId: 'a-1' });
    expect(lineOf('mark')).toMatchObject({ event: 'mark', requestId: 'm-1' });
    logs.lines.length = 0;
  });

  it("a synchronous handler's fire-and-forget lines, written after the next frame ran, carry its frame's ids", async () => {
    client.write(oneRead({ event: 'spawns', id: 's-1' }, { event: 'mark', id: 'm-2' }));
    expect(await reply()).toEqual({ event: 'spawns', data: 'spawned', id: 's-1' });
    expect(await reply()).toEqual({ event: 'mark', data: 'marked', id: 'm-2' });
    await expect.poll(() => logs.withMessage('spawns: timer').length).toBe(1);
    const order = logs.lines.map((line) => line.msg);
    // The next frame's handler ran before the continuations: the interleaving is real.
    expect(order.indexOf('mark')).toBeLessThan(order.indexOf('spawns: microtask'));
    expect(lineOf('mark')).toMatchObject({ event: 'mark', requestId: 'm-2' });
    expect(lineOf('spawns: microtask')).toMatchObject({ event: 'spawns', requestId: 's-1' });
    expect(lineOf('spawns: timer')).toMatchObject({ event: 'spawns', requestId: 's-1' });
    logs.lines.length = 0;
  });
});
