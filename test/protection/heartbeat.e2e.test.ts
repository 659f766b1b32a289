import { afterEach, describe, expect, it } from 'vitest';
import { SecureWsAdapter } from '../../src/adapter/secure-ws.adapter.js';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';
import { WsTestClient } from '../../src/testing/ws-test-client.js';
import { ShoutGateway } from '../support/lifecycle.gateways.js';
import { type SelfSigned, selfSignedCertificate } from './support/self-signed.js';

const BEAT_MS = 50;
/** The talking peer's beat: ten frames per beat, so a loaded machine's stalls do not starve a beat. */
const TALKER_BEAT_MS = 200;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The heartbeat counts what the peer sent since the last ping (the
 * transport's bytes read): its pong, or any frame, proves it alive, with no
 * `pong` listener per socket; a peer that sent nothing is cut.
 */
describe('heartbeat', () => {
  let t: TestApp | undefined;
  let certificate: SelfSigned | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
    certificate?.remove();
    certificate = undefined;
  });

  it('keeps a peer that never pongs while it sends frames, and cuts it once it falls silent', async () => {
    t = await createTestApp({
      providers: [ShoutGateway],
      module: { heartbeat: { intervalMs: TALKER_BEAT_MS } },
    });
    const talker = await WsTestClient.connect(t.url('/text'), { autoPong: false });
    let closedAt: number | undefined;
    void talker.closed.then(() => {
      closedAt = Date.now();
    });
    // Frames for several beats and no pong: every beat finds bytes read since its ping.
    for (let frame = 0; frame < 60; frame += 1) {
      talker.sendText(`frame ${frame}`);
      expect(await talker.nextText()).toBe(`FRAME ${frame}`);
      await sleep(TALKER_BEAT_MS / 10);
    }
    expect(closedAt).toBeUndefined();
    const silentFrom = Date.now();
    expect((await talker.closed).code).toBe(1006);
    expect((closedAt ?? 0) - silentFrom).toBeLessThan(10 * TALKER_BEAT_MS);
  });

  it('keeps a ws client that answers pings over TLS, and cuts a mute one', async () => {
    certificate = selfSignedCertificate();
    t = await createTestApp({
      providers: [ShoutGateway],
      module: {
        heartbeat: { intervalMs: BEAT_MS },
        listeners: [
          { port: 0, path: '/text', tls: { key: certificate.key, cert: certificate.cert } },
        ],
      },
    });
    const { port } = await t.app.get(SecureWsAdapter).listenerAddress('/text');
    const url = `wss://127.0.0.1:${port}/`;
    const live = await WsTestClient.connect(url, { ca: certificate.cert });
    const mute = await WsTestClient.connect(url, { ca: certificate.cert, autoPong: false });
    expect((await mute.closed).code).toBe(1006);
    // The answering client stayed through the same beats, and still is served.
    await sleep(6 * BEAT_MS);
    live.sendText('still');
    expect(await live.nextText()).toBe('STILL');
  });
});
