import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionRegistry } from '../../src/connection/connection-registry.js';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';
import { type WsTestClient } from '../../src/testing/ws-test-client.js';
import { NowEvent, OrderGateway, OrderProbe, OtherPathGateway } from './support/order.gateway.js';

type Frame = { event: string; data: unknown; id?: unknown };

async function replies(client: WsTestClient, count: number): Promise<Frame[]> {
  const frames: Frame[] = [];
  for (let i = 0; i < count; i += 1) frames.push(await client.next<Frame>());
  return frames;
}

/** One small test per promise the dispatch order makes. */
describe('dispatch order of one connection', () => {
  let testApp: TestApp;
  let probe: OrderProbe;

  async function start(maxInflightPerConnection?: number) {
    testApp = await createTestApp({
      module: { maxInflightPerConnection, plugins: [NowEvent] },
      providers: [OrderProbe, OrderGateway, OtherPathGateway, NowEvent],
    });
    probe = testApp.app.get(OrderProbe);
    return testApp.connect('/order');
  }

  afterEach(async () => {
    probe.release();
    await testApp.close();
  });

  it('starts an ordered handler only after the previous one settled', async () => {
    const client = await start();
    client.send({ event: 'work', data: { ms: 60, tag: 'a' }, id: 1 });
    client.send({ event: 'work', data: { ms: 0, tag: 'b' }, id: 2 });
    client.send({ event: 'echo', data: 'c', id: 3 });
    expect((await replies(client, 3)).map((frame) => frame.id)).toEqual([1, 2, 3]);
    expect(probe.log).toEqual([
      'start work a',
      'end work a',
      'start work b',
      'end work b',
      'echo "c"',
    ]);
  });

  it('waits for an Observable to complete, not for its first value', async () => {
    const client = await start();
    client.send({ event: 'stream', data: { ms: 50 }, id: 1 });
    client.send({ event: 'echo', data: 'after', id: 2 });
    expect(await replies(client, 3)).toEqual([
      { event: 'stream', data: 1, id: 1 },
      { event: 'stream', data: 2, id: 1 },
      { event: 'echo', data: 'after', id: 2 },
    ]);
    expect(probe.log).toEqual(['start stream', 'end stream', 'echo "after"']);
  });

  it('goes on in order after a handler fails', async () => {
    const client = await start();
    client.send({ event: 'fail', data: { ms: 30 }, id: 1 });
    client.send({ event: 'echo', data: 'next', id: 2 });
    const [failed, next] = await replies(client, 2);
    expect(failed).toMatchObject({
      event: 'error',
      data: { code: 'INTERNAL', event: 'fail' },
      id: 1,
    });
    expect(next).toEqual({ event: 'echo', data: 'next', id: 2 });
  });

  it('overlaps concurrent handlers, up to maxInflightPerConnection', async () => {
    const client = await start(3);
    for (let i = 0; i < 6; i += 1) {
      client.send({ event: 'parallel', data: { ms: 40, tag: i }, id: i });
    }
    const frames = await replies(client, 6);
    expect(frames.map((frame) => frame.event)).toEqual(Array(6).fill('parallel.done'));
    expect(probe.maxRunning).toBe(3);
  });

  it('marks @Concurrent() per gateway path: the same event on another gateway stays ordered', async () => {
    await start(3);
    const other = await testApp.connect('/order-other');
    for (let i = 0; i < 3; i += 1) {
      other.send({ event: 'parallel', data: { ms: 20, tag: i }, id: i });
    }
    expect((await replies(other, 3)).map((frame) => frame.id)).toEqual([0, 1, 2]);
    expect(probe.maxRunning).toBe(1);
  });

  it('lets an ordered frame wait for the concurrent ones before it, and the ones after wait for it', async () => {
    const client = await start();
    client.send({ event: 'parallel', data: { ms: 60, tag: 'p1' }, id: 1 });
    client.send({ event: 'parallel', data: { ms: 20, tag: 'p2' }, id: 2 });
    client.send({ event: 'work', data: { ms: 20, tag: 'w' }, id: 3 });
    client.send({ event: 'parallel', data: { ms: 0, tag: 'p3' }, id: 4 });
    expect((await replies(client, 4)).map((frame) => frame.id)).toEqual([2, 1, 3, 4]);
    expect(probe.log).toEqual([
      'start parallel p1',
      'start parallel p2',
      'end parallel p2',
      'end parallel p1',
      'start work w',
      'end work w',
      'start parallel p3',
      'end parallel p3',
    ]);
  });

  it('runs nothing more for a connection that closed: the frames still waiting are dropped', async () => {
    const client = await start();
    client.send({ event: 'work', data: { ms: 100, tag: 'running' }, id: 1 });
    client.send({ event: 'echo', data: 'waiting', id: 2 });
    await expect.poll(() => probe.log).toEqual(['start work running']);
    client.terminate();
    await client.closed;
    await expect.poll(() => probe.log).toEqual(['start work running', 'end work running']);
    expect(await new Promise((resolve) => setTimeout(() => resolve(probe.log.length), 100))).toBe(
      2,
    );
  });

  it('runs a plugin event (immediate) at once, while an ordered one runs', async () => {
    const client = await start();
    client.send({ event: 'work', data: { ms: 150, tag: 'slow' }, id: 1 });
    client.send({ event: 'now', data: 'quick', id: 2 });
    expect(await client.next()).toEqual({ event: 'now', data: 'quick', id: 2 });
    expect(await client.next()).toEqual({ event: 'work.done', data: { ms: 150 }, id: 1 });
    expect(probe.log.indexOf('now')).toBeLessThan(probe.log.indexOf('end work slow'));
  });

  it('counts plugin events (immediate) in the bound: the socket pauses once they pass it', async () => {
    const client = await start(2);
    const connection = () => [...testApp.app.get(ConnectionRegistry).all()][0];
    client.send({ event: 'now', data: 'held', id: 1 });
    client.send({ event: 'now', data: 'held', id: 2 });
    await expect.poll(() => probe.log.length).toBe(2);
    // At the bound, not past it: a client within maxInflightPerConnection is never paused.
    expect(connection()?.socket.isPaused).toBe(false);
    client.send({ event: 'now', data: 'held', id: 3 });
    await expect.poll(() => probe.log.length).toBe(3);
    expect(connection()?.socket.isPaused).toBe(true);
    probe.release();
    expect((await replies(client, 3)).map((frame) => frame.id).sort()).toEqual([1, 2, 3]);
    expect(connection()?.socket.isPaused).toBe(false);
  });

  it('answers an unknown event at once, without waiting in the queue', async () => {
    const client = await start();
    client.send({ event: 'work', data: { ms: 200, tag: 'slow' }, id: 1 });
    client.send({ event: 'nope', id: 2 });
    expect(await client.nextError('UNKNOWN_EVENT')).toMatchObject({ id: 2 });
    expect(await client.next()).toEqual({ event: 'work.done', data: { ms: 200 }, id: 1 });
  });
});
