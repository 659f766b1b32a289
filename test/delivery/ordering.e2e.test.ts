import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { signToken } from '../../src/app/token.js';
import { ConnectionRegistry } from '../../src/connection/connection-registry.js';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';
import { MiB, settledHeap } from '../hostile/support/memory.js';
import { OrderGateway, OrderProbe } from './support/order.gateway.js';

const SECRET = 'ordering-test-secret-0123456789abcdef';
const FLOOD_FRAMES = Number(process.env.ORDERING_FLOOD_FRAMES ?? 5000);
const FLOOD_FRAME_BYTES = 2048;
/** Floods on purpose: the message rate limits would answer them RATE_LIMITED. */
const UNLIMITED = { protection: { messageRate: false, userMessageRate: false } } as const;

describe('ordering and the in-flight bound on real sockets', () => {
  let testApp: TestApp;

  afterEach(async () => {
    testApp.app.get(OrderProbe).release();
    await testApp.close();
  });

  it('answers 200 mixed work and echo frames of one connection in the order they were sent', async () => {
    testApp = await createTestApp({ module: UNLIMITED, providers: [OrderProbe, OrderGateway] });
    const client = await testApp.connect('/order');
    const expected: unknown[] = [];
    for (let id = 1; id <= 200; id += 1) {
      if (id % 3 === 0) {
        const ms = (id * 7) % 11;
        client.send({ event: 'work', data: { ms }, id });
        expected.push({ event: 'work.done', data: { ms }, id });
      } else {
        client.send({ event: 'echo', data: { n: id }, id });
        expected.push({ event: 'echo', data: { n: id }, id });
      }
    }
    const received: unknown[] = [];
    for (let i = 0; i < 200; i += 1) received.push(await client.next());
    expect(received).toEqual(expected);
    expect(testApp.app.get(OrderProbe).maxRunning).toBe(1);
  });

  it('answers an auth refresh while a slow ordered handler runs', async () => {
    testApp = await createTestApp({
      module: { auth: { secret: SECRET } },
      providers: [OrderProbe, OrderGateway],
    });
    const client = await testApp.connect('/order', {
      token: signToken(SECRET, { sub: 'ann', ttlSeconds: 60 }),
    });
    client.send({ event: 'work', data: { ms: 1500 }, id: 1 });
    client.send({ event: 'echo', data: 'queued', id: 2 });
    const fresh = signToken(SECRET, { sub: 'ann', ttlSeconds: 600 });
    client.send({ event: 'auth', data: { token: fresh }, id: 3 });
    const refreshed = await client.next<{ event: string; data: { userId: string }; id: number }>();
    expect(refreshed).toMatchObject({ event: 'auth', data: { userId: 'ann' }, id: 3 });
    expect(await client.next()).toEqual({ event: 'work.done', data: { ms: 1500 }, id: 1 });
    expect(await client.next()).toEqual({ event: 'echo', data: 'queued', id: 2 });
  });

  it('pauses reading a socket whose concurrent handlers reach the bound: memory flat, nothing dropped', async () => {
    testApp = await createTestApp({
      module: { ...UNLIMITED, maxInflightPerConnection: 16 },
      providers: [OrderProbe, OrderGateway],
    });
    const probe = testApp.app.get(OrderProbe);
    const registry = testApp.app.get(ConnectionRegistry);
    const before = await settledHeap();
    const flood = spawn(
      process.execPath,
      [
        new URL('./support/flood-client.mjs', import.meta.url).pathname,
        testApp.url('/order'),
        String(FLOOD_FRAMES),
        String(FLOOD_FRAME_BYTES),
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const lines = createInterface({ input: flood.stdout })[Symbol.asyncIterator]();
    const report = JSON.parse((await lines.next()).value as string) as { bufferedAmount: number };
    const [connection] = [...registry.all()];
    // The client could not send most of its flood: the server stopped reading.
    expect(report.bufferedAmount).toBeGreaterThan((FLOOD_FRAMES * FLOOD_FRAME_BYTES) / 4);
    expect(probe.started).toBe(16);
    expect(probe.running).toBe(16);
    expect(connection?.socket.isPaused).toBe(true);
    const held = (await settledHeap()) - before;
    console.info(
      `flood of ${FLOOD_FRAMES} x ${FLOOD_FRAME_BYTES} B: ${(report.bufferedAmount / MiB).toFixed(1)} MiB held back by the client, server heap +${(held / MiB).toFixed(1)} MiB`,
    );
    // Unbounded, the parsed flood alone would take FLOOD_FRAMES * FLOOD_FRAME_BYTES (10 MiB).
    expect(held).toBeLessThan(3 * MiB);

    probe.release();
    const done = JSON.parse((await lines.next()).value as string) as { replies: number };
    expect(done).toEqual({ replies: FLOOD_FRAMES });
    expect(probe.started).toBe(FLOOD_FRAMES);
    expect(probe.maxRunning).toBe(16);
    flood.stdin.end();
  });
});
