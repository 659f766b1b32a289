import { get } from 'node:https';
import { type AddressInfo } from 'node:net';
import { type INestApplication } from '@nestjs/common';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecureWsAdapter } from '../../src/adapter/secure-ws.adapter.js';
import { loadConfig } from '../../src/app/config.js';
import { createReferenceApp } from '../../src/app/create-app.js';
import { OperationsServer } from '../../src/operations/operations-server.js';
import { freePort } from '../../src/testing/free-port.js';
import { WsTestClient } from '../../src/testing/ws-test-client.js';
import { parsePrometheus } from '../support/metrics-scrape.js';
import { type SelfSigned, selfSignedCertificate } from './support/self-signed.js';
import { expectRefused } from './support/upgrade.js';

function httpsGet(url: string, ca: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { ca }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

describe('the reference app: safe defaults, TLS, /health and /metrics', () => {
  let certificate: SelfSigned;
  let app: INestApplication;
  let port: number;
  let seedPort: number;

  beforeAll(async () => {
    certificate = selfSignedCertificate();
    const config = loadConfig({
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
      SEED_ECHO_PORT: '0',
      SEED_SECURE_PORT: '0',
      OPS_PORT: '0',
      ALLOWED_ORIGINS: 'https://chat.example.com',
      TLS_KEY_FILE: certificate.keyFile,
      TLS_CERT_FILE: certificate.certFile,
      MESSAGES_PER_SECOND: '5',
      MESSAGE_BURST: '5',
      RATE_LIMIT_STRIKES: '3',
    });
    app = await createReferenceApp(config, pino({ level: 'silent' }));
    port = (app.getHttpServer().address() as AddressInfo).port;
    seedPort = (await app.get(SecureWsAdapter).listenerAddress('/seed/echo')).port;
  });
  afterAll(async () => {
    await app.close();
    certificate.remove();
  });

  it('serves wss:// with the given certificate (the seed echo listener too)', async () => {
    const client = await WsTestClient.connect(`wss://127.0.0.1:${seedPort}/`, {
      ca: certificate.cert,
      origin: 'https://chat.example.com',
    });
    client.sendText('hello');
    expect(await client.nextText()).toBe('Server received: hello');
    client.terminate();
  });

  it('refuses every origin but its own and ALLOWED_ORIGINS', async () => {
    const options = { ca: certificate.cert };
    for (const origin of [
      'https://evil.example',
      'https://chat.example.com.evil.example',
      'null',
    ]) {
      await expectRefused(`wss://127.0.0.1:${port}/ws`, 403, 'ORIGIN_NOT_ALLOWED', {
        ...options,
        origin,
      });
    }
    for (const origin of [`https://localhost:${port}`, 'https://chat.example.com']) {
      const client = await WsTestClient.connect(`wss://127.0.0.1:${seedPort}/`, {
        ...options,
        origin,
      });
      client.terminate();
    }
  });

  it('meets a burst of messages with RATE_LIMITED, then closes 4429', async () => {
    const client = await WsTestClient.connect(`wss://127.0.0.1:${seedPort}/`, {
      ca: certificate.cert,
    });
    for (let i = 0; i < 1000; i += 1) client.sendText(`m${i}`);
    expect(await client.closed).toEqual({ code: 4429, reason: 'RATE_LIMITED' });
  });

  it('serves GET /health/live over HTTPS, GET /health and GET /metrics on the loopback ops address', async () => {
    const live = await httpsGet(`https://127.0.0.1:${port}/health/live`, certificate.cert);
    expect(live.status).toBe(200);
    expect((await httpsGet(`https://127.0.0.1:${port}/metrics`, certificate.cert)).status).toBe(
      404,
    );
    expect((await httpsGet(`https://127.0.0.1:${port}/health`, certificate.cert)).status).toBe(404);
    const ops = `http://127.0.0.1:${app.get(OperationsServer).address()?.port}`;
    const health = await fetch(`${ops}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', live: true, ready: true });
    const metrics = await fetch(`${ops}/metrics`);
    expect(metrics.status).toBe(200);
    const samples = parsePrometheus(await metrics.text());
    expect(samples.get('secure_ws_handshakes_total{outcome="ORIGIN_NOT_ALLOWED"}')).toBe(3);
    expect(samples.get('secure_ws_rate_limited_total')).toBe(3);
    expect(samples.has('process_resident_memory_bytes')).toBe(true);
  });
});
