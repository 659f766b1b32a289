import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { WsRooms } from '../../src/rooms/ws-rooms.service.js';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';
import { type WsTestClient } from '../../src/testing/ws-test-client.js';
import { GuardedGateway } from './support/guarded.gateway.js';
import { serverSideOf, tcpOf } from './support/server-side.js';
import { waitFor } from './support/wait-for.js';

const MAX_BUFFERED = 512 * 1024;
const PADDING = 'x'.repeat(1024);
/** Bounds the test: 64 MiB of 1 KiB messages at most. */
const MAX_MESSAGES = 64 * 1024;

/** The client reads again: it finds the backlog, then the error frame, and the 1013 close. */
async function expectCutAsSlowConsumer(stalled: WsTestClient): Promise<void> {
  tcpOf(stalled).resume();
  expect(await stalled.closed).toEqual({ code: 1013, reason: 'SLOW_CONSUMER' });
  let last: Record<string, unknown> | undefined;
  for (;;) {
    const frame = await stalled.next(100).catch(() => undefined);
    if (!frame) break;
    last = frame;
  }
  expect(last).toEqual({
    event: 'error',
    data: { code: 'SLOW_CONSUMER', message: 'Client is not reading its messages' },
  });
}

describe('a client that stops reading', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      providers: [GuardedGateway],
      module: { maxBufferedBytes: MAX_BUFFERED },
    });
  });
  afterAll(() => t.close());

  it('is closed 1013 SLOW_CONSUMER with a bounded buffer, while a healthy client gets every message in order', async () => {
    const stalled = await t.connect('/guarded');
    const healthy = await t.connect('/guarded');
    let received = 0;
    let outOfOrder = 0;
    healthy.socket.on('message', (data) => {
      const { seq } = (JSON.parse(data.toString()) as { data: { seq: number } }).data;
      if (seq !== received + 1) outOfOrder += 1;
      received = seq;
    });
    tcpOf(stalled).pause();
    const toStalled = serverSideOf(t, stalled);
    const toHealthy = serverSideOf(t, healthy);
    const rssBefore = process.memoryUsage().rss;

    let seq = 0;
    let maxBuffered = 0;
    let stalledOpen = true;
    while (seq < MAX_MESSAGES && stalledOpen) {
      for (let i = 0; i < 64 && stalledOpen; i += 1) {
        seq += 1;
        const data = { seq, padding: PADDING };
        expect(toHealthy.push('tick', data)).toBe(true);
        stalledOpen = toStalled.push('tick', data);
        maxBuffered = Math.max(maxBuffered, toStalled.socket.bufferedAmount);
      }
      // A producer that yields: the healthy client's reads are served between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(stalledOpen).toBe(false);
    expect(toStalled.socket.readyState).toBe(WebSocket.CLOSING);
    // The send buffer never grew past the limit by more than the frames that crossed it.
    expect(maxBuffered).toBeLessThanOrEqual(MAX_BUFFERED + 2 * 1024);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(128 * 1024 * 1024);

    await expectCutAsSlowConsumer(stalled);

    await waitFor(() => received === seq, 10_000);
    expect(outOfOrder).toBe(0);
    expect(healthy.socket.readyState).toBe(WebSocket.OPEN);
    for (let i = 0; i < seq; i += 1) await healthy.next();
    expect(await healthy.request('echo', 'still here')).toEqual({
      event: 'echo',
      data: 'still here',
      id: '1',
    });
  });

  it('is closed the same way when the messages come through a room, one frame encoded for all its members', async () => {
    const rooms = t.app.get(WsRooms);
    const stalled = await t.connect('/guarded');
    const healthy = await t.connect('/guarded');
    let received = 0;
    let outOfOrder = 0;
    healthy.socket.on('message', (data, isBinary) => {
      if (isBinary) outOfOrder += 1;
      const { seq } = (JSON.parse(data.toString()) as { data: { seq: number } }).data;
      if (seq !== received + 1) outOfOrder += 1;
      received = seq;
    });
    const toStalled = serverSideOf(t, stalled);
    await rooms.join(toStalled, 'feed');
    await rooms.join(serverSideOf(t, healthy), 'feed');
    tcpOf(stalled).pause();

    let seq = 0;
    let maxBuffered = 0;
    while (seq < MAX_MESSAGES && toStalled.socket.readyState === WebSocket.OPEN) {
      for (let i = 0; i < 64; i += 1) {
        seq += 1;
        rooms.send('feed', 'tick', { seq, padding: PADDING });
        maxBuffered = Math.max(maxBuffered, toStalled.socket.bufferedAmount);
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(toStalled.socket.readyState).toBe(WebSocket.CLOSING);
    expect(maxBuffered).toBeLessThanOrEqual(MAX_BUFFERED + 2 * 1024);

    await expectCutAsSlowConsumer(stalled);

    await waitFor(() => received === seq, 10_000);
    expect(outOfOrder).toBe(0);
    expect(healthy.socket.readyState).toBe(WebSocket.OPEN);
  });
});
