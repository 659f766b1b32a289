import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { WsSessionRegistry } from '../../src/auth/ws-session-registry.js';
import { createTestApp } from '../../src/testing/test-app.js';
import { WsTestClient } from '../../src/testing/ws-test-client.js';
import { OpenProbeGateway, Recorder, SecureProbeGateway } from '../auth/support/auth.gateways.js';
import { bearer, generateTestKeys, hs } from '../auth/support/tokens.js';
import { parsePrometheus } from '../support/metrics-scrape.js';

const { secret } = generateTestKeys();
const MAX_PAYLOAD = 4096;

describe('every error frame and close is counted as sent', () => {
  it('counts the closing errors of every path, and closes by the code sent', async () => {
    const registry = new Registry();
    const t = await createTestApp({
      providers: [Recorder, SecureProbeGateway, OpenProbeGateway],
      module: {
        auth: { secret, authTimeoutMs: 300 },
        heartbeat: false,
        maxPayload: MAX_PAYLOAD,
        metrics: { registry },
      },
    });
    const metrics = async () => parsePrometheus(await registry.metrics());
    const closedWith = async (client: WsTestClient, code: string, closeCode: number) => {
      await client.nextError(code, 3000);
      expect((await client.closed).code).toBe(closeCode);
    };

    // UNAUTHENTICATED at connect (a bad token), twice.
    for (let i = 0; i < 2; i += 1) {
      await closedWith(await t.connect('/secure', bearer('not.a.jwt')), 'UNAUTHENTICATED', 4401);
    }
    // AUTH_TIMEOUT: no token, nothing sent.
    await closedWith(await t.connect('/secure'), 'AUTH_TIMEOUT', 4408);
    // TOKEN_EXPIRED on a live socket, after its notice.
    const brief = await t.connect('/secure', bearer(hs(secret, 'brief', 2)));
    expect(await brief.next(3000)).toMatchObject({ event: 'session.expiring' });
    await closedWith(brief, 'TOKEN_EXPIRED', 4401);
    // SESSION_REVOKED, three sockets of one user.
    const revoked = await Promise.all(
      [1, 2, 3].map(() => t.connect('/secure', bearer(hs(secret, 'mallory')))),
    );
    for (const client of revoked) await client.request('whoami');
    await t.app.get(WsSessionRegistry).revokeUser('mallory');
    for (const client of revoked) await closedWith(client, 'SESSION_REVOKED', 4403);
    // A frame over maxPayload: ws closes 1009; no error frame.
    const big = await t.connect('/open');
    big.sendText('x'.repeat(MAX_PAYLOAD + 1));
    expect((await big.closed).code).toBe(1009);

    await expect
      .poll(async () => (await metrics()).get('secure_ws_closes_total{code="1009"}'))
      .toBe(1);
    const m = await metrics();
    expect(m.get('secure_ws_error_frames_total{code="UNAUTHENTICATED"}')).toBe(2);
    expect(m.get('secure_ws_error_frames_total{code="AUTH_TIMEOUT"}')).toBe(1);
    expect(m.get('secure_ws_error_frames_total{code="TOKEN_EXPIRED"}')).toBe(1);
    expect(m.get('secure_ws_error_frames_total{code="SESSION_REVOKED"}')).toBe(3);
    expect(m.get('secure_ws_closes_total{code="4401"}')).toBe(3);
    expect(m.get('secure_ws_closes_total{code="4408"}')).toBe(1);
    expect(m.get('secure_ws_closes_total{code="4403"}')).toBe(3);
    expect(m.get('secure_ws_closes_total{code="1006"}')).toBeUndefined();

    // SHUTTING_DOWN: two open clients when the app stops.
    const staying = [await t.connect('/open'), await t.connect('/open')];
    for (const client of staying) await client.request('echo', 'hi');
    // app.close(), not t.close(): the kit's close cuts its clients first.
    const closing = t.app.close();
    for (const client of staying) await closedWith(client, 'SHUTTING_DOWN', 1001);
    await closing;
    const after = await metrics();
    expect(after.get('secure_ws_error_frames_total{code="SHUTTING_DOWN"}')).toBe(2);
    expect(after.get('secure_ws_closes_total{code="1001"}')).toBe(2);
  });
});
