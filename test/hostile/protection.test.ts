import { afterEach, describe, expect, it } from 'vitest';
import { type SecureWsModuleOptions } from '../../src/options/secure-ws-options.interface.js';
import { UpgradeRefused, type WsTestClient } from '../../src/testing/ws-test-client.js';
import { eventually } from './support/alive.js';
import { createHostileApp, HOSTILE_DEFAULTS, type HostileApp } from './support/hostile-app.js';
import { MiB, settledHeap } from './support/memory.js';
import { RawWsClient, rawHttp, upgradeRequest, upgradeStatus } from './support/raw-socket.js';
import { startReferenceApp } from './support/reference-app.js';

type Protection = NonNullable<SecureWsModuleOptions['protection']>;

/** The hostile app with every protection rule off except `rules`. */
function withRules(rules: Protection): Promise<HostileApp> {
  return createHostileApp({ protection: { ...HOSTILE_DEFAULTS.protection, ...rules } });
}

async function refusal(t: HostileApp, headers: Record<string, string> = {}) {
  return t.connect('/hostile', { headers }).then(
    (client) => {
      client.terminate();
      return undefined;
    },
    (error: unknown) => error as UpgradeRefused,
  );
}

describe('protection under attack', () => {
  let t: HostileApp | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it.each([
    'https://evil.example',
    'https://app.example.com.evil.example',
    'https://app.example.com@evil.example',
    'https://evil.example/https://app.example.com',
    'null',
    'http://app.example.com',
    'https://app.example.com:8443',
    'https://app.example.com/',
    'https://APP.EXAMPLE.COM',
    'https://app.example.co',
    'file://',
    `https://${'a'.repeat(8000)}.example`,
  ])('refuses Origin %.60s with 403 ORIGIN_NOT_ALLOWED, before any upgrade', async (origin) => {
    const app = await withRules({ allowedOrigins: ['https://app.example.com'] });
    t = app;
    const refused = await refusal(app, { Origin: origin });
    expect(refused).toBeInstanceOf(UpgradeRefused);
    expect(refused).toMatchObject({ status: 403, body: '{"code":"ORIGIN_NOT_ALLOWED"}' });
    expect(app.gateway.connects).toBe(0);
    expect(await refusal(app, { Origin: 'https://app.example.com' })).toBeUndefined();
    await app.alive();
  });

  it('refuses a foreign Origin on every gateway of the reference app, and admits its own', async () => {
    // Port 0 leaves the app's own origin unknown in advance: name one.
    const ref = await startReferenceApp({ ALLOWED_ORIGINS: 'https://chat.example' });
    try {
      for (const path of ['/ws', '/seed/echo']) {
        for (const origin of [
          'https://evil.example',
          'https://chat.example.evil.example',
          'null',
        ]) {
          const answer = await rawHttp(ref.port, upgradeRequest(path, { Origin: origin }));
          expect(answer.status).toBe(403);
          expect(answer.body).toBe('{"code":"ORIGIN_NOT_ALLOWED"}');
        }
      }
      const own = await RawWsClient.connect(ref.port, '/seed/echo', {
        Origin: 'https://chat.example',
      });
      own.destroy();
      await ref.alive();
    } finally {
      await ref.close();
    }
  });

  it('holds the global cap (503 AT_CAPACITY), and frees every slot when clients leave, even abruptly', async () => {
    const app = await withRules({ maxConnections: 20 });
    t = app;
    const clients: RawWsClient[] = [];
    for (let i = 0; i < 20; i += 1) clients.push(await RawWsClient.connect(app.port, '/hostile'));
    expect(await refusal(app)).toMatchObject({ status: 503, body: '{"code":"AT_CAPACITY"}' });
    // Leave abruptly, mid-handshake too, three rounds: no slot may leak.
    for (let round = 0; round < 3; round += 1) {
      for (const client of clients.splice(0)) client.destroy();
      await eventually(() => app.registry.size === 0, 2000, 'All gone');
      await Promise.all(
        Array.from({ length: 50 }, () =>
          rawHttp(app.port, upgradeRequest('/hostile').slice(0, 40), 50),
        ),
      );
      for (let i = 0; i < 20; i += 1) clients.push(await RawWsClient.connect(app.port, '/hostile'));
      expect(await refusal(app)).toMatchObject({ status: 503 });
    }
    for (const client of clients) client.destroy();
    await eventually(() => app.registry.size === 0, 2000, 'All gone');
    await app.alive();
  });

  it('holds the per-address cap (429 TOO_MANY_CONNECTIONS) and the handshake rate', async () => {
    const app = await withRules({ maxConnectionsPerAddress: 5 });
    t = app;
    const clients = await Promise.all(
      Array.from({ length: 5 }, () => RawWsClient.connect(app.port, '/hostile')),
    );
    expect(await refusal(app)).toMatchObject({
      status: 429,
      body: '{"code":"TOO_MANY_CONNECTIONS"}',
    });
    for (const client of clients) client.destroy();
    await eventually(() => app.registry.size === 0, 2000, 'All gone');
    await app.alive();
    await app.close();

    const limited = await withRules({ handshakeRate: { points: 10, durationMs: 60_000 } });
    t = limited;
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => rawHttp(limited.port, upgradeRequest('/hostile'), 300)),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 101)).toHaveLength(10);
    expect(statuses.filter((status) => status === 429)).toHaveLength(40);
    await eventually(() => limited.registry.size === 0, 2000, 'All gone');
  });

  it('ignores a spoofed X-Forwarded-For from an untrusted peer: the per-address cap still holds', async () => {
    const app = await withRules({ maxConnectionsPerAddress: 5 });
    t = app;
    const clients = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        RawWsClient.connect(app.port, '/hostile', { 'X-Forwarded-For': `203.0.113.${i}` }),
      ),
    );
    for (const spoofed of ['198.51.100.7', '10.0.0.1, 198.51.100.8', 'garbage', '::1']) {
      expect(await refusal(app, { 'X-Forwarded-For': spoofed })).toMatchObject({ status: 429 });
    }
    for (const client of clients) client.destroy();
    await eventually(() => app.registry.size === 0, 2000, 'All gone');
    await app.alive();
  });

  it('keeps memory bounded under a flood of distinct forwarded addresses from a trusted proxy', async () => {
    const app = await withRules({
      trustedProxies: ['127.0.0.1'],
      handshakeRate: { points: 5, durationMs: 60_000 },
      maxConnectionsPerAddress: 2,
      maxTrackedKeys: 100,
    });
    t = app;
    const before = await settledHeap();
    for (let batch = 0; batch < 20; batch += 1) {
      const statuses = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          upgradeStatus(
            app.port,
            upgradeRequest('/hostile', { 'X-Forwarded-For': `10.${batch}.${i >> 8}.${i & 255}` }),
          ),
        ),
      );
      // Every address is new: none is refused for another's sake.
      expect(statuses.filter((status) => status !== 101)).toEqual([]);
    }
    await eventually(() => app.registry.size === 0, 3000, 'All gone');
    const after = await settledHeap();
    console.info(
      `2,000 forwarded addresses: heap ${(before / MiB).toFixed(1)} → ${(after / MiB).toFixed(1)} MiB`,
    );
    expect(after - before).toBeLessThan(4 * MiB);
    await app.alive();
  });

  it('rate limits a burst, closes the abuser 4429, and other clients keep their latency', async () => {
    const app = await withRules({
      messageRate: { points: 50, durationMs: 1000, burst: 100 },
      abuse: { maxRefusals: 50, windowMs: 10_000 },
    });
    t = app;
    const others: WsTestClient[] = await Promise.all(
      Array.from({ length: 5 }, () => app.connect('/hostile')),
    );
    const latencies = async (rounds: number) => {
      const all: number[] = [];
      await Promise.all(
        others.map(async (client) => {
          for (let i = 0; i < rounds; i += 1) {
            const started = performance.now();
            expect(await client.request('ping')).toMatchObject({ data: 'pong' });
            all.push(performance.now() - started);
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        }),
      );
      return all.sort((a, b) => a - b);
    };
    const before = await latencies(20);

    const abuser = await app.connect('/hostile');
    const codes = new Map<string, number>();
    let retryAfterMs: unknown;
    abuser.socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as {
        event: string;
        data: { code?: string; retryAfterMs?: number };
      };
      const code = frame.event === 'error' ? (frame.data.code as string) : frame.event;
      codes.set(code, (codes.get(code) ?? 0) + 1);
      retryAfterMs ??= frame.data.retryAfterMs;
    });
    const during = latencies(20);
    const floodStarted = performance.now();
    for (let i = 0; i < 2000 && abuser.socket.readyState === 1; i += 1) {
      abuser.send({ event: 'ping', id: i });
      if (i % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
    }
    const closed = await abuser.closed;
    const floodMs = performance.now() - floodStarted;
    const under = await during;
    const p = (list: number[], q: number) =>
      list[Math.min(list.length - 1, Math.floor(list.length * q))] ?? 0;
    console.info(
      `burst of up to 2,000: ${JSON.stringify(Object.fromEntries(codes))}, closed ${closed.code}; ` +
        `others' latency p50/p99 ${p(before, 0.5).toFixed(1)}/${p(before, 0.99).toFixed(1)} ms before, ` +
        `${p(under, 0.5).toFixed(1)}/${p(under, 0.99).toFixed(1)} ms during`,
    );
    // At most the burst plus what the bucket refilled (50/s) while the flood lasted is accepted
    // (synchronous handlers answer at once, so those replies leave before the close).
    expect(codes.get('ping') ?? 0).toBeLessThanOrEqual(100 + Math.ceil((50 * floodMs) / 1000));
    expect(codes.get('RATE_LIMITED')).toBeGreaterThanOrEqual(1);
    expect(typeof retryAfterMs).toBe('number');
    expect(closed.code).toBe(4429);
    expect(under).toHaveLength(100);
    expect(p(under, 0.99)).toBeLessThan(250);
    for (const client of others) client.terminate();
    await app.alive();
  });
});
