import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { UpgradeRefused, type WsTestClient } from '../../src/testing/ws-test-client.js';
import { eventually } from './support/alive.js';
import { createHostileApp } from './support/hostile-app.js';
import { startReferenceApp } from './support/reference-app.js';

const CLIENTS = 500;
const RECONNECTING = 2000;

async function inBatches<T>(
  count: number,
  size: number,
  make: (index: number) => Promise<T>,
): Promise<T[]> {
  const all: T[] = [];
  for (let start = 0; start < count; start += size) {
    const batch = Array.from({ length: Math.min(size, count - start) }, (_, i) => make(start + i));
    all.push(...(await Promise.all(batch)));
  }
  return all;
}

describe('shutdown and restart', () => {
  it(`drains ${CLIENTS} clients: new upgrades 503, in-flight work finishes and is acknowledged, every client gets SHUTTING_DOWN and 1001`, async () => {
    const drainTimeoutMs = 5000;
    const t = await createHostileApp({ drainTimeoutMs });
    const clients: WsTestClient[] = await inBatches(CLIENTS, 100, () => t.connect('/hostile'));
    const workIds = clients.map((client) => client.emit('work', { ms: 1500 }));
    await eventually(
      () => t.gateway.running === CLIENTS,
      5000,
      () => `${t.gateway.running} running`,
    );

    const started = Date.now();
    const closing = t.app.close();
    await eventually(() => t.registry.shuttingDown, 1000, 'Shutdown starting');
    const refused = await t.connect('/hostile').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(UpgradeRefused);
    expect(refused).toMatchObject({ status: 503, body: '{"code":"SHUTTING_DOWN"}' });

    // Half the clients send one more request while draining: refused at once (not queued behind
    // the running work, which lasts 1.5 s so that a loaded machine cannot finish it first), not
    // closed early.
    const lateIds = clients.map((client, index) =>
      index % 2 === 0 ? client.emit('work', { ms: 1 }) : undefined,
    );

    let acknowledged = 0;
    await Promise.all(
      clients.map(async (client, index) => {
        const late = lateIds[index];
        if (late !== undefined) {
          expect(await client.nextError('SHUTTING_DOWN')).toMatchObject({
            id: late,
            event: 'work',
          });
        }
        expect(await client.next()).toEqual({
          event: 'work',
          data: { done: true },
          id: workIds[index],
        });
        acknowledged += 1;
        expect(await client.nextError('SHUTTING_DOWN')).toEqual({
          code: 'SHUTTING_DOWN',
          message: 'Server is shutting down',
        });
        expect(await client.closed).toEqual({ code: 1001, reason: 'SHUTTING_DOWN' });
      }),
    );
    await closing;
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(drainTimeoutMs);
    expect(acknowledged).toBe(CLIENTS);
    expect(t.gateway.processed).toBe(CLIENTS);
    expect(t.gateway.disconnects).toBe(CLIENTS);
    expect(t.registry.size).toBe(0);
  }, 30_000);

  it('finishes closing at the drain deadline when a handler never settles', async () => {
    const drainTimeoutMs = 500;
    const t = await createHostileApp({ drainTimeoutMs });
    const stuck = await t.connect('/hostile');
    const idle = await t.connect('/hostile');
    stuck.emit('hang');
    await eventually(() => t.gateway.hanging === 1, 1000, 'The stuck request running');
    const started = Date.now();
    await t.app.close();
    expect(Date.now() - started).toBeLessThan(drainTimeoutMs + 1000);
    expect(await idle.closed).toEqual({ code: 1001, reason: 'SHUTTING_DOWN' });
    expect((await stuck.closed).code).toBe(1006);
    expect(t.registry.size).toBe(0);
    expect(t.gateway.disconnects).toBe(2);
  });

  it(`restarts on the same port and ${RECONNECTING} clients reconnect with jittered backoff`, async () => {
    const first = await startReferenceApp();
    const port = first.port;
    let generation = 1;
    const backIn = new Set<number>();
    const sockets = new Map<number, WebSocket>();
    let stopped = false;

    /** A client that reconnects with full-jitter exponential backoff (50 ms × 2^n, at most 1 s). */
    const run = (index: number) =>
      new Promise<void>((opened) => {
        let attempt = 0;
        const dial = () => {
          if (stopped) return;
          const socket = new WebSocket(`ws://127.0.0.1:${port}/seed/echo`);
          sockets.set(index, socket);
          socket.on('error', () => undefined);
          socket.on('open', () => {
            attempt = 0;
            opened();
            if (generation === 2) socket.send(`back ${index}`);
          });
          socket.on('message', (data) => {
            if (data.toString() === `Server received: back ${index}`) backIn.add(index);
          });
          socket.on('close', () => {
            if (stopped || attempt >= 40) return;
            const delay = Math.random() * Math.min(1000, 50 * 2 ** attempt);
            attempt += 1;
            setTimeout(dial, delay);
          });
        };
        dial();
      });

    try {
      await inBatches(RECONNECTING, 250, run);
      await eventually(() => first.registry.size === RECONNECTING, 5000, 'All connected');
      await first.close();
      generation = 2;
      const second = await startReferenceApp({ PORT: String(port) });
      try {
        expect(second.port).toBe(port);
        await eventually(
          () => backIn.size === RECONNECTING,
          15_000,
          () => `${backIn.size} of ${RECONNECTING} clients back`,
        );
        expect(second.registry.size).toBe(RECONNECTING);
        stopped = true;
        for (const socket of sockets.values()) socket.terminate();
        await second.alive();
      } finally {
        stopped = true;
        await second.close();
      }
    } finally {
      stopped = true;
      for (const socket of sockets.values()) socket.terminate();
    }
  }, 40_000);
});
