import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecureWsAdapter } from '../../src/adapter/secure-ws.adapter.js';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';
import { WsTestClient } from '../../src/testing/ws-test-client.js';
import { GuardedGateway } from './support/guarded.gateway.js';
import { type SelfSigned, selfSignedCertificate } from './support/self-signed.js';

describe('wss:// on a listener given a key and certificate', () => {
  let certificate: SelfSigned;
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    certificate = selfSignedCertificate();
    t = await createTestApp({
      providers: [GuardedGateway],
      module: {
        listeners: [
          { port: 0, path: '/guarded', tls: { key: certificate.key, cert: certificate.cert } },
        ],
      },
    });
    ({ port } = await t.app.get(SecureWsAdapter).listenerAddress('/guarded'));
  });
  afterAll(async () => {
    await t.close();
    certificate.remove();
  });

  it('makes a round trip over TLS with a client that trusts the certificate', async () => {
    const client = await WsTestClient.connect(`wss://127.0.0.1:${port}/`, { ca: certificate.cert });
    expect(await client.request('echo', 'over tls')).toEqual({
      event: 'echo',
      data: 'over tls',
      id: '1',
    });
    const tlsSocket = (client.socket as unknown as { _socket: { encrypted?: boolean } })._socket;
    expect(tlsSocket.encrypted).toBe(true);
    client.terminate();
  });

  it('is refused by a client that does not trust the certificate', async () => {
    await expect(WsTestClient.connect(`wss://127.0.0.1:${port}/`)).rejects.toMatchObject({
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    });
  });

  it('still applies the handshake rules over TLS', async () => {
    await expect(
      WsTestClient.connect(`wss://127.0.0.1:${port}/`, {
        ca: certificate.cert,
        origin: 'https://evil.example',
      }),
    ).rejects.toMatchObject({ status: 403, body: '{"code":"ORIGIN_NOT_ALLOWED"}' });
  });
});
