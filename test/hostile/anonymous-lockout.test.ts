import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecureWsAdapter } from '../../src/adapter/secure-ws.adapter.js';
import { signToken } from '../../src/app/token.js';
import { WsTestClient } from '../../src/testing/ws-test-client.js';
import { RawWsClient } from './support/raw-socket.js';
import { type ReferenceApp, startReferenceApp } from './support/reference-app.js';

const JWT_SECRET = 'hostile-lockout-secret-0123456789abcdef';
const SOCKETS = Number(process.env.LOCKOUT_SOCKETS ?? 2000);
const IDLE_MS = 6000;

interface Held {
  client: RawWsClient;
  connectedAt: number;
}

/** Opens `count` WebSockets to `port` in batches; returns those upgraded and the refusals. */
async function openIdle(port: number, path: string, count: number) {
  const held: Held[] = [];
  const refusals = new Map<string, number>();
  let open = 0;
  let maxOpen = 0;
  for (let start = 0; start < count; start += 200) {
    const batch = Array.from({ length: Math.min(200, count - start) }, () =>
      RawWsClient.connect(port, path).then(
        (client) => {
          open += 1;
          maxOpen = Math.max(maxOpen, open);
          void client.ended.then(() => {
            open -= 1;
          });
          held.push({ client, connectedAt: performance.now() });
        },
        (error: Error) => refusals.set(error.message, (refusals.get(error.message) ?? 0) + 1),
      ),
    );
    await Promise.all(batch);
  }
  return { held, refusals: Object.fromEntries(refusals), maxOpen };
}

describe('anonymous sockets cannot lock authenticated users out', () => {
  let ref: ReferenceApp;
  let seedEchoPort: number;
  let seedSecurePort: number;
  beforeAll(async () => {
    ref = await startReferenceApp({
      JWT_SECRET,
      MAX_CONNECTIONS: '2000',
      // The reference app's own default: half of MAX_CONNECTIONS.
      MAX_UNAUTHENTICATED_CONNECTIONS: '1000',
      IDLE_TIMEOUT_MS: String(IDLE_MS),
    });
    const adapter = ref.app.get(SecureWsAdapter);
    seedEchoPort = (await adapter.listenerAddress('/seed/echo')).port;
    seedSecurePort = (await adapter.listenerAddress('/seed/secure')).port;
  });
  afterAll(() => ref.close());

  it(`${SOCKETS} idle anonymous seed sockets leave /ws open to users, and are closed at their deadline`, async () => {
    const { held, refusals, maxOpen } = await openIdle(seedEchoPort, '/', SOCKETS);
    // The seed port holds at most its share of anonymous sockets (half of MAX_CONNECTIONS), the
    // rest are refused 503 (on a slow machine the first ones reach their deadline meanwhile).
    const cap = Math.min(SOCKETS, 1000);
    expect(maxOpen).toBe(cap);
    expect(Object.keys(refusals)).toEqual(SOCKETS > cap ? ['Upgrade answered 503'] : []);
    expect(held.length + (refusals['Upgrade answered 503'] ?? 0)).toBe(SOCKETS);

    // A user with a token, and one who authenticates by first message, both get in on /ws.
    const token = signToken(JWT_SECRET, { sub: 'alice', ttlSeconds: 600 });
    const alice = await WsTestClient.connect(`ws://127.0.0.1:${ref.port}/ws`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(await alice.request('room.join', { room: 'lobby' })).toMatchObject({
      event: 'room.joined',
    });
    const bob = await WsTestClient.connect(`ws://127.0.0.1:${ref.port}/ws`);
    expect(
      await bob.request('auth', { token: signToken(JWT_SECRET, { sub: 'bob', ttlSeconds: 600 }) }),
    ).toMatchObject({ event: 'auth', data: { userId: 'bob' } });

    // Every idle seed socket is told IDLE_TIMEOUT and closed 1000 at its deadline, not before.
    const closedAfter = await Promise.all(
      held.map(async ({ client, connectedAt }) => {
        const close = await client.closeCode(IDLE_MS + 10_000);
        expect(close).toEqual({ code: 1000, reason: 'IDLE_TIMEOUT' });
        client.destroy();
        return performance.now() - connectedAt;
      }),
    );
    console.info(
      `anonymous lockout: ${maxOpen} seed sockets open at once (${held.length} in all), ${SOCKETS - held.length} refused 503; closed ${Math.round(Math.min(...closedAfter))}-${Math.round(Math.max(...closedAfter))} ms after they opened`,
    );
    // Timed from when this busy client saw the 101, a little after the server started the clock.
    expect(Math.min(...closedAfter)).toBeGreaterThanOrEqual(IDLE_MS - 1000);
    // The deadline is checked every tenth of it; the rest is the slack of a machine busy opening
    // thousands of sockets in this same process.
    expect(Math.max(...closedAfter)).toBeLessThan(3 * IDLE_MS);
    // The users, who talk, are still there.
    expect(await alice.request('room.leave', { room: 'lobby' })).toMatchObject({
      event: 'room.left',
    });
    alice.close();
    bob.close();
  }, 60_000);

  it('closes the seed secure port at the deadline when no token comes', async () => {
    const client = await RawWsClient.connect(seedSecurePort, '/');
    const started = performance.now();
    expect(await client.closeCode(IDLE_MS + 5000)).toEqual({ code: 1000, reason: 'IDLE_TIMEOUT' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(IDLE_MS - 50);
    client.destroy();
  }, 20_000);
});
