import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './support/alive.js';
import { MiB, settledHeap } from './support/memory.js';
import { RawWsClient, rawHttp, upgradeRequest } from './support/raw-socket.js';
import { type ReferenceApp, startReferenceApp } from './support/reference-app.js';

describe('handshake: malformed and abusive upgrades against the reference app', () => {
  let ref: ReferenceApp;

  beforeAll(async () => {
    ref = await startReferenceApp(
      {},
      {
        headersTimeoutMs: 500,
        requestTimeoutMs: 1000,
        checkIntervalMs: 100,
      },
    );
  });
  afterAll(() => ref.close());

  it('upgrades a well-formed request (the harness works)', async () => {
    const client = await RawWsClient.connect(ref.port, '/seed/echo');
    client.text('hi');
    expect((await client.nextFrame()).payload.toString()).toBe('Server received: hi');
    client.destroy();
    await ref.alive();
  });

  it.each([
    ['POST', upgradeRequest('/seed/echo').replace(/^GET/, 'POST'), 405],
    ['a wrong Upgrade', upgradeRequest('/seed/echo', { Upgrade: 'h2c' }), 400],
    ['no Sec-WebSocket-Key', upgradeRequest('/seed/echo', { 'Sec-WebSocket-Key': undefined }), 400],
    [
      'a short Sec-WebSocket-Key',
      upgradeRequest('/seed/echo', { 'Sec-WebSocket-Key': 'c2hvcnQ=' }),
      400,
    ],
    [
      'a key that is not base64',
      upgradeRequest('/seed/echo', { 'Sec-WebSocket-Key': '!'.repeat(24) }),
      400,
    ],
    // ws also speaks version 8 (hybi-08), so 8 is not on this list.
    ['version 7', upgradeRequest('/seed/echo', { 'Sec-WebSocket-Version': '7' }), 400],
    ['version 14', upgradeRequest('/seed/echo', { 'Sec-WebSocket-Version': '14' }), 400],
    ['version "13abc"', upgradeRequest('/seed/echo', { 'Sec-WebSocket-Version': '13abc' }), 400],
    ['no version', upgradeRequest('/seed/echo', { 'Sec-WebSocket-Version': undefined }), 400],
    ['an unknown path', upgradeRequest('/no/such/path'), 404],
    ['a path with a traversal', upgradeRequest('/seed/../ws/../../etc/passwd'), 404],
  ])('never answers 101 to %s', async (_name, request, status) => {
    const answer = await rawHttp(ref.port, request);
    expect(answer.status).toBe(status);
    expect(answer.closedByServer).toBe(true);
    await ref.alive();
  });

  it('answers a request line of garbage with 400 and stays up', async () => {
    const answer = await rawHttp(ref.port, '\x00\xff GARBAGE \r\n\r\n');
    expect(answer.status).toBe(400);
    await ref.alive();
  });

  it('refuses 2,000 extra headers over the header size limit with 431 (ws CVE-2024-37890)', async () => {
    const extra = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`x-h${i}`, 'aaaa']));
    const answer = await rawHttp(ref.port, upgradeRequest('/seed/echo', extra));
    expect(answer.status).toBe(431);
    await ref.alive();
  });

  it('refuses an upgrade whose Sec-WebSocket-Key is pushed past maxHeadersCount (2,000) with 400, no crash (ws CVE-2024-37890)', async () => {
    const junk = Array.from({ length: 2000 }, (_, i) => `a${i}: `).join('\r\n');
    const request =
      'GET /seed/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      `${junk}\r\nSec-WebSocket-Key: ${'A'.repeat(22)}==\r\nSec-WebSocket-Version: 13\r\n\r\n`;
    const answer = await rawHttp(ref.port, request);
    // Node 20 drops headers past maxHeadersCount and ws refuses the missing
    // key; Node 24 refuses the header count itself with 431.
    if (answer.status === 400) {
      expect(answer.body).toBe('Missing or invalid Sec-WebSocket-Key header');
    } else {
      expect(answer.status).toBe(431);
    }
    expect(answer.closedByServer).toBe(true);
    await ref.alive();
  });

  it('answers a Sec-WebSocket-Protocol of thousands of spaces fast', async () => {
    const answer = await rawHttp(
      ref.port,
      upgradeRequest('/seed/echo', { 'Sec-WebSocket-Protocol': `a${' '.repeat(15_000)}b` }),
    );
    expect(answer.status).toBe(400);
    expect(answer.ms).toBeLessThan(1000);
    const onlySpaces = await rawHttp(
      ref.port,
      upgradeRequest('/seed/echo', { 'Sec-WebSocket-Protocol': ' '.repeat(15_000) }),
    );
    expect(onlySpaces.status).not.toBe(101);
    expect(onlySpaces.ms).toBeLessThan(1000);
    await ref.alive();
  });

  it('cuts slow-header (Slowloris) connections while real clients still get in', async () => {
    const slow: Socket[] = [];
    const timers: NodeJS.Timeout[] = [];
    const closed: Promise<number>[] = [];
    const started = Date.now();
    for (let i = 0; i < 200; i += 1) {
      const socket = connect(ref.port, '127.0.0.1');
      socket.on('error', () => undefined);
      closed.push(
        new Promise((resolve) => socket.once('close', () => resolve(Date.now() - started))),
      );
      socket.write('GET /seed/echo HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      // One header line every 100 ms, forever (bounded by the 5 s test guard below).
      timers.push(setInterval(() => socket.write(`X-Slow-${i}: a\r\n`), 100));
      slow.push(socket);
    }
    try {
      await ref.alive();
      const cut = await Promise.race([
        Promise.all(closed),
        new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 5000)),
      ]);
      expect(cut).toBeDefined();
      expect(Math.max(...(cut ?? []))).toBeLessThan(3000);
      await ref.alive();
    } finally {
      for (const timer of timers) clearInterval(timer);
      for (const socket of slow) socket.destroy();
    }
  });

  it('survives 5,000 concurrent dials in batches, and memory comes back near the baseline', async () => {
    const before = await settledHeap();
    const clients: RawWsClient[] = [];
    for (let batch = 0; batch < 10; batch += 1) {
      clients.push(
        ...(await Promise.all(
          Array.from({ length: 500 }, () => RawWsClient.connect(ref.port, '/seed/echo')),
        )),
      );
    }
    expect(ref.registry.size).toBe(5000);
    const peak = await settledHeap();
    await ref.alive(5000);
    for (const client of clients) client.destroy();
    clients.length = 0;
    await eventually(() => ref.registry.size === 0, 10_000, 'All 5,000 connections gone');
    await ref.alive();
    const after = await settledHeap();
    console.info(
      `5,000 dials: heap ${(before / MiB).toFixed(1)} MiB → ${(peak / MiB).toFixed(1)} MiB open → ${(after / MiB).toFixed(1)} MiB after`,
    );
    expect(after - before).toBeLessThan(8 * MiB);
  }, 60_000);
});
