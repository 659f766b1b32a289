import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';
import { GuardedGateway } from './support/guarded.gateway.js';
import { serverSideOf, tcpOf } from './support/server-side.js';
import { waitFor } from './support/wait-for.js';

const MAX_BUFFERED = 512 * 1024;
const HIGH_WATER = MAX_BUFFERED / 4;
const TIMEOUT_MS = 800;
const TEXT = 'x'.repeat(16 * 1024);
/**
 * The most the stalled client is made to send before the server stops reading: 128 MiB of echo
 * requests (loopback's kernel buffers autotune to tens of MiB: tcp_rmem's max is 32 MiB here).
 */
const REQUESTS = 8192;
/** Requests sent after the server stopped reading: 1 MiB it never reads. */
const AFTER_PAUSE = 64;
const FREE = { points: 1_000_000, durationMs: 1000 };

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('a client that sends requests but does not read the replies', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      providers: [GuardedGateway],
      module: {
        maxBufferedBytes: MAX_BUFFERED,
        slowConsumerTimeoutMs: TIMEOUT_MS,
        protection: { messageRate: FREE },
      },
    });
  });
  afterAll(() => t.close());

  it('is no longer read past the high-water mark, then closed 1013 SLOW_CONSUMER after slowConsumerTimeoutMs', async () => {
    const stalled = await t.connect('/guarded');
    tcpOf(stalled).pause();
    const server = serverSideOf(t, stalled);
    let maxBuffered = 0;
    let sent = 0;
    // Sends as fast as TCP takes it (bounded) until the server stops reading, then a little more:
    // what the client sends past that point is never read (the replies below count it).
    while (!server.socket.isPaused && sent < REQUESTS) {
      stalled.emit('echo', TEXT);
      sent += 1;
      maxBuffered = Math.max(maxBuffered, server.socket.bufferedAmount);
      if (sent % 16 === 0) await turn();
    }
    const pausedAt = Date.now();
    for (let i = 0; i < AFTER_PAUSE; i += 1) stalled.emit('echo', TEXT);
    sent += AFTER_PAUSE;
    // The server holds at most the mark plus the replies of one TCP read, never its limit.
    for (let i = 0; i < 10; i += 1) {
      maxBuffered = Math.max(maxBuffered, server.socket.bufferedAmount);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(maxBuffered).toBeGreaterThan(HIGH_WATER);
    expect(maxBuffered).toBeLessThanOrEqual(MAX_BUFFERED);
    expect(server.socket.readyState).toBe(WebSocket.OPEN);

    await waitFor(() => server.socket.readyState !== WebSocket.OPEN, 5000);
    expect(Date.now() - pausedAt).toBeGreaterThanOrEqual(TIMEOUT_MS - 300);
    // Reading again, the client finds its replies, then the error frame and the 1013 close.
    tcpOf(stalled).resume();
    let replies = 0;
    let last: Record<string, unknown> | undefined;
    for (;;) {
      const frame = await stalled.next(500).catch(() => undefined);
      if (!frame) break;
      if (frame.event === 'echo') {
        replies += 1;
        expect(frame).toEqual({ event: 'echo', data: TEXT, id: String(replies) });
      }
      last = frame;
    }
    expect(replies).toBeGreaterThan(0);
    expect(replies).toBeLessThan(sent);
    expect(last).toEqual({
      event: 'error',
      data: { code: 'SLOW_CONSUMER', message: 'Client is not reading its messages' },
    });
    expect(await stalled.closed).toEqual({ code: 1013, reason: 'SLOW_CONSUMER' });
  });

  it('pings without reading the pongs: is no longer read past the mark, then closed 1013 SLOW_CONSUMER', async () => {
    const stalled = await t.connect('/guarded');
    tcpOf(stalled).pause();
    const server = serverSideOf(t, stalled);
    const payload = Buffer.alloc(125, 0x61);
    let pings = 0;
    // Until the server stops reading (the kernel's buffers take a few MiB of pongs first), bounded.
    while (!server.socket.isPaused && pings < 200_000) {
      stalled.socket.ping(payload);
      pings += 1;
      if (pings % 256 === 0) await turn();
    }
    await waitFor(() => server.socket.isPaused, 2000);
    expect(server.socket.bufferedAmount).toBeGreaterThan(HIGH_WATER);
    expect(server.socket.bufferedAmount).toBeLessThanOrEqual(MAX_BUFFERED);
    const pausedAt = Date.now();

    await waitFor(() => server.socket.readyState !== WebSocket.OPEN, 5000);
    expect(Date.now() - pausedAt).toBeGreaterThanOrEqual(TIMEOUT_MS - 300);
    // Reading again, the client finds the pongs of the pings read, then the error frame and 1013.
    let pongs = 0;
    let otherPayloads = 0;
    stalled.socket.on('pong', (data) => {
      pongs += 1;
      if (!data.equals(payload)) otherPayloads += 1;
    });
    tcpOf(stalled).resume();
    expect(await stalled.next(5000)).toEqual({
      event: 'error',
      data: { code: 'SLOW_CONSUMER', message: 'Client is not reading its messages' },
    });
    expect(await stalled.closed).toEqual({ code: 1013, reason: 'SLOW_CONSUMER' });
    expect(pongs).toBeGreaterThan(HIGH_WATER / 127);
    expect(pongs).toBeLessThanOrEqual(pings);
    expect(otherPayloads).toBe(0);
  });

  it('is read again once it drains within the timeout, and every request is answered in order', async () => {
    const client = await t.connect('/guarded');
    tcpOf(client).pause();
    const server = serverSideOf(t, client);
    // Until the server stops reading (the kernel's buffers take a few MiB first), bounded.
    let count = 0;
    while (!server.socket.isPaused && count < REQUESTS) {
      client.emit('echo', TEXT);
      count += 1;
      if (count % 16 === 0) await turn();
    }
    await waitFor(() => server.socket.isPaused, 2000);
    expect(server.socket.bufferedAmount).toBeLessThanOrEqual(MAX_BUFFERED);
    tcpOf(client).resume();
    for (let i = 1; i <= count; i += 1) {
      expect(await client.next()).toEqual({ event: 'echo', data: TEXT, id: String(i) });
    }
    expect(server.socket.isPaused).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, TIMEOUT_MS + 200));
    expect(client.socket.readyState).toBe(WebSocket.OPEN);
    expect(await client.request('echo', 'still here')).toEqual({
      event: 'echo',
      data: 'still here',
      id: String(count + 1),
    });
  });
});
