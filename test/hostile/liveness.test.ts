import { afterEach, describe, expect, it } from 'vitest';
import { type Connection } from '../../src/connection/connection.js';
import { type WsTestClient } from '../../src/testing/ws-test-client.js';
import { eventually } from './support/alive.js';
import { createHostileApp, type HostileApp } from './support/hostile-app.js';
import { MiB, settledHeap } from './support/memory.js';
import { Op, RawWsClient } from './support/raw-socket.js';

describe('load and liveness', () => {
  let t: HostileApp | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('closes a client that stops reading 1013 SLOW_CONSUMER, bounded, while healthy clients get every message in order', async () => {
    const maxBufferedBytes = 256 * 1024;
    const app = await createHostileApp({ maxBufferedBytes });
    t = app;
    const healthy: WsTestClient[] = await Promise.all([1, 2, 3].map(() => app.connect('/hostile')));
    const received = healthy.map(() => [] as number[]);
    for (const [index, client] of healthy.entries()) {
      client.socket.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as { event: string; data: { n: number } };
        if (frame.event === 'tick') received[index]?.push(frame.data.n);
      });
    }
    const slow = await RawWsClient.connect(app.port, '/hostile');
    await eventually(() => app.registry.size === 4, 1000, 'Four connections');
    const slowConnection = [...app.registry.all()].find(
      (connection) =>
        connection.remoteAddress !== undefined && connection.remotePort === slow.socket.localPort,
    ) as Connection;
    expect(slowConnection).toBeDefined();
    slow.socket.pause();

    // What the server queued for the slow client: ticks, then the error frame, then 1013.
    const texts: string[] = [];
    slow.onFrame = (frame) => {
      if (frame.opcode === Op.TEXT) texts.push(frame.payload.toString());
    };
    // It reads again as soon as the server starts closing it, as a client that recovers would:
    // the server cuts a closing socket whose peer does not read after 2 s, which a loaded machine
    // can spend in the push loop.
    const readOnceClosing = (): void => {
      if (slow.socket.isPaused() && slowConnection.socket.readyState !== 1) slow.socket.resume();
    };

    const pad = 'p'.repeat(1024);
    const total = 20_000;
    let peakBuffered = 0;
    for (let n = 0; n < total; n += 1) {
      for (const connection of app.registry.all()) connection.push('tick', { n, pad });
      peakBuffered = Math.max(peakBuffered, slowConnection.socket.bufferedAmount);
      if (n % 100 === 99) {
        readOnceClosing();
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    // The slow peer's server-side buffer never grew much past the limit.
    expect(peakBuffered).toBeLessThan(maxBufferedBytes + 64 * 1024);
    await eventually(
      () => slowConnection.socket.readyState !== 1,
      5000,
      'The server closing the slow client',
    );
    readOnceClosing();
    expect(await slow.closeCode(5000)).toEqual({ code: 1013, reason: 'SLOW_CONSUMER' });
    expect(JSON.parse(texts.at(-1) as string)).toEqual({
      event: 'error',
      data: { code: 'SLOW_CONSUMER', message: 'Client is not reading its messages' },
    });
    slow.destroy();

    await eventually(
      () => received.every((list) => list.length === total),
      10_000,
      () => `Healthy clients got ${received.map((list) => list.length).join(', ')} of ${total}`,
    );
    for (const list of received) {
      expect(list.every((n, index) => n === index)).toBe(true);
    }
    for (const client of healthy) client.terminate();
    await app.alive();
  }, 30_000);

  it('cuts a peer that never answers pings, calling handleDisconnect exactly once', async () => {
    const app = await createHostileApp({ heartbeat: { intervalMs: 100 } });
    t = app;
    const healthy = await app.connect('/hostile');
    const mute = await RawWsClient.connect(app.port, '/hostile');
    await eventually(() => app.gateway.connects === 2, 1000, 'Both connected');
    const pings: number[] = [];
    mute.onFrame = (frame) => {
      if (frame.opcode === Op.PING) pings.push(Date.now());
    };
    const started = Date.now();
    await mute.ended;
    expect(Date.now() - started).toBeLessThan(2000);
    expect(pings.length).toBeGreaterThanOrEqual(1);
    await eventually(() => app.gateway.disconnects === 1, 1000, 'handleDisconnect');
    // The ws client answers pings by itself: it stays through several more beats.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(app.gateway.disconnects).toBe(1);
    expect(await healthy.request('ping')).toMatchObject({ event: 'ping', data: 'pong' });
    healthy.terminate();
    await eventually(
      () => app.gateway.disconnects === 2,
      1000,
      'handleDisconnect of the healthy one',
    );
    await app.alive();
    expect(app.gateway.disconnects).toBe(3);
  });

  it('survives 10,000 connect/disconnect cycles with the heap back within a few MB', async () => {
    const app = await createHostileApp();
    t = app;
    // Warm up, so that lazily built things are not counted as growth.
    await cycles(app, 500, 50);
    const before = await settledHeap();
    const started = performance.now();
    await cycles(app, 10_000, 100);
    const seconds = (performance.now() - started) / 1000;
    await eventually(() => app.registry.size === 0, 5000, 'All cycles closed');
    const after = await settledHeap();
    console.info(
      `10,000 connect/disconnect cycles in ${seconds.toFixed(1)} s: heap ${(before / MiB).toFixed(1)} → ${(after / MiB).toFixed(1)} MiB`,
    );
    expect(app.gateway.connects).toBe(10_500);
    await eventually(() => app.gateway.disconnects === 10_500, 5000, 'Every handleDisconnect');
    expect(after - before).toBeLessThan(4 * MiB);
    await app.alive();
  }, 60_000);
});

/** `count` cycles of dial, upgrade, one request, hang-up, `parallel` at a time. */
async function cycles(app: HostileApp, count: number, parallel: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next += 1;
      const client = await RawWsClient.connect(app.port, '/hostile');
      client.text('{"event":"ping"}');
      await client.nextFrame();
      client.destroy();
      await client.ended;
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}
