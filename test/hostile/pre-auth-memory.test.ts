import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hs } from '../auth/support/tokens.js';
import { createHostileApp, type HostileApp } from './support/hostile-app.js';
import { settledHeap } from './support/memory.js';
import { encodeFrame, Op, RawWsClient } from './support/raw-socket.js';

const SECRET = 'hostile-pre-auth-secret-0123456789abcdef';
const TRICKLERS = Number(process.env.TRICKLERS ?? 8);
/** What one socket without a token may pin while it trickles (the finding: 25-31 MB). */
const BOUND_PER_SOCKET = 128 * 1024;

/** Everything a connection holds: JS heap and the buffers outside it (received chunks). */
async function held(): Promise<number> {
  const heap = await settledHeap();
  return heap + process.memoryUsage().arrayBuffers;
}

async function trickler(port: number): Promise<RawWsClient> {
  const client = await RawWsClient.connect(port, '/hostile');
  client.socket.setNoDelay(true);
  return client;
}

/** Writes `bytes` one per TCP segment until `count` are out or the server closed. */
async function trickle(client: RawWsClient, bytes: Buffer, from: number, to: number) {
  let sent = from;
  while (sent < to && !client.socket.destroyed && !client.socket.readableEnded) {
    await new Promise<void>((resolve) =>
      client.socket.write(bytes.subarray(sent, sent + 1), () => resolve()),
    );
    sent += 1;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return sent;
}

describe('memory of a socket that has not authenticated', () => {
  let t: HostileApp;
  beforeAll(async () => {
    t = await createHostileApp({ auth: { secret: SECRET } });
  });
  afterAll(() => t.close());

  it('closes a frame announcing 1 MiB before authentication 1009, from its header', async () => {
    const client = await trickler(t.port);
    const frame = encodeFrame({ opcode: Op.TEXT, length: 1024n * 1024n, payload: 'x' });
    // The 10-byte header and the mask key, one byte at a time: no payload needed to refuse it.
    await trickle(client, frame, 0, 14);
    expect((await client.closeCode()).code).toBe(1009);
  });

  it(`bounds ${TRICKLERS} sockets trickling 1-byte segments: closed 1008 after preAuth.maxBufferedChunks, under ${BOUND_PER_SOCKET / 1024} KiB each`, async () => {
    // Just under `preAuth.maxPayload`, so only the chunk bound stops it.
    const frame = encodeFrame({ opcode: Op.TEXT, payload: 'x'.repeat(16_000) });
    // The same sockets through the same path once first, so that what the process allocates
    // once (code V8 compiles for the hot functions, on its own schedule) is there before the
    // first reading: one CI run without it read 212 KiB per socket, against 67-86 in others.
    const warmUp = await Promise.all(Array.from({ length: TRICKLERS }, () => trickler(t.port)));
    await Promise.all(warmUp.map((client) => trickle(client, frame, 0, frame.length)));
    for (const client of warmUp) expect((await client.closeCode()).code).toBe(1008);
    const idle = await held();
    const clients = await Promise.all(Array.from({ length: TRICKLERS }, () => trickler(t.port)));
    const connected = await held();
    // Each holds 120 one-byte chunks: the most before the 128-chunk bound.
    await Promise.all(clients.map((client) => trickle(client, frame, 0, 120)));
    const perSocket = Math.round(((await held()) - idle) / TRICKLERS);
    const perConnection = Math.round((connected - idle) / TRICKLERS);
    const sent = await Promise.all(
      clients.map((client) => trickle(client, frame, 120, frame.length)),
    );
    const closes = await Promise.all(clients.map((client) => client.closeCode()));
    console.info(
      `pre-auth trickle: ${perSocket} bytes held per socket at 120 chunks (${perConnection} of them by the idle connection); closed after ${Math.max(...sent)} bytes at most`,
    );
    expect(closes.map((close) => close.code)).toEqual(clients.map(() => 1008));
    expect(Math.max(...sent)).toBeLessThan(1000);
    expect(perSocket).toBeLessThan(BOUND_PER_SOCKET);
  });

  it('lifts the budgets once authenticated: a 64 KiB frame trickled in 64 segments is answered', async () => {
    const client = await RawWsClient.connect(t.port, '/hostile', {
      Authorization: `Bearer ${hs(SECRET, 'alice')}`,
    });
    const text = JSON.stringify({ event: 'raw', data: 'y'.repeat(60_000), id: 1 });
    const frame = encodeFrame({ opcode: Op.TEXT, payload: text });
    for (let offset = 0; offset < frame.length; offset += 1024) {
      await new Promise<void>((resolve) =>
        client.socket.write(frame.subarray(offset, offset + 1024), () => resolve()),
      );
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await client.nextJson()).toEqual({ event: 'raw', data: 'y'.repeat(60_000), id: 1 });
    client.destroy();
  });
});
