import { type INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecureWsAdapter } from '../../src/adapter/secure-ws.adapter.js';
import { loadConfig } from '../../src/app/config.js';
import { signToken } from '../../src/app/token.js';
import { WsTestClient } from '../../src/testing/ws-test-client.js';
import { bootReferenceApp, httpPort } from '../support/reference-app.js';

describe('the reference app', () => {
  let app: INestApplication;
  let base: string;
  let seedEcho: string;
  const JWT_SECRET = 'reference-app-test-secret-0123456789';
  const auth = () => ({
    headers: { Authorization: `Bearer ${signToken(JWT_SECRET, { sub: 'ann', ttlSeconds: 60 })}` },
  });

  beforeAll(async () => {
    app = await bootReferenceApp({ JWT_SECRET });
    base = `ws://127.0.0.1:${httpPort(app)}`;
    const echo = await app.get(SecureWsAdapter).listenerAddress('/seed/echo');
    seedEcho = `ws://127.0.0.1:${echo.port}`;
  });
  afterAll(() => app.close());

  it('serves the seed echo server on its own port, in plain text', async () => {
    const client = await WsTestClient.connect(seedEcho);
    client.sendText('hello');
    expect(await client.nextText()).toBe('Server received: hello');
    client.terminate();
  });

  it('answers profile.update with profile.updated, and a bad e-mail with VALIDATION_FAILED', async () => {
    const client = await WsTestClient.connect(`${base}/ws`, auth());
    client.send({ event: 'profile.update', data: { email: 'a@b.co', displayName: 'Ann' }, id: 1 });
    expect(await client.next()).toEqual({
      event: 'profile.updated',
      data: { email: 'a@b.co', displayName: 'Ann' },
      id: 1,
    });
    client.send({ event: 'profile.update', data: { email: 'nope' }, id: 2 });
    expect(await client.next()).toEqual({
      event: 'error',
      data: {
        code: 'VALIDATION_FAILED',
        message: 'Validation failed',
        event: 'profile.update',
        details: [{ path: 'email', constraints: ['email must be an email'] }],
      },
      id: 2,
    });
    client.terminate();
  });

  it('bounds echo text to 4096 characters', async () => {
    const client = await WsTestClient.connect(`${base}/ws`, auth());
    client.send({ event: 'echo', data: { text: 'x'.repeat(4096) }, id: 1 });
    expect(await client.next()).toEqual({ event: 'echo', data: { text: 'x'.repeat(4096) }, id: 1 });
    client.send({ event: 'echo', data: { text: 'x'.repeat(4097) }, id: 2 });
    expect(await client.nextError('VALIDATION_FAILED')).toMatchObject({
      details: [
        { path: 'text', constraints: ['text must be shorter than or equal to 4096 characters'] },
      ],
    });
    client.terminate();
  });
});

describe('the reference app config', () => {
  it('refuses to start in production without a 32-byte JWT_SECRET, in one sentence', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      'JWT_SECRET must be set to at least 32 bytes when NODE_ENV=production.',
    );
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'short' })).toThrow(
      'JWT_SECRET must be set to at least 32 bytes when NODE_ENV=production.',
    );
  });

  it('refuses a port that is not a port', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(
      'PORT must be a port number from 0 to 65535, got "eighty".',
    );
    expect(() => loadConfig({ OPS_PORT: '70000' })).toThrow(
      'OPS_PORT must be a port number from 0 to 65535, got "70000".',
    );
  });

  it('puts metrics and detailed health on loopback port 9464 unless OPS_HOST / OPS_PORT say otherwise', () => {
    expect(loadConfig({}).ops).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(loadConfig({ OPS_HOST: '10.0.0.5', OPS_PORT: '9100' }).ops).toEqual({
      host: '10.0.0.5',
      port: 9100,
    });
  });
});
