import { type INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecureWsAdapter } from '../../src/adapter/secure-ws.adapter.js';
import { parseTtl, signToken } from '../../src/app/token.js';
import { captureLogs, type LogCapture } from '../../src/testing/log-capture.js';
import { WsTestClient } from '../../src/testing/ws-test-client.js';
import { bootReferenceApp, httpPort } from '../support/reference-app.js';
import { bearer, nowSec, signJwt } from './support/tokens.js';

const JWT_SECRET = 'reference-app-auth-secret-0123456789abcdef';

describe('the reference app: authentication', () => {
  let app: INestApplication;
  let logs: LogCapture;
  let ws: string;
  let seedSecure: string;

  beforeAll(async () => {
    logs = captureLogs();
    app = await bootReferenceApp({ JWT_SECRET }, logs.logger);
    ws = `ws://127.0.0.1:${httpPort(app)}/ws`;
    const secure = await app.get(SecureWsAdapter).listenerAddress('/seed/secure');
    seedSecure = `ws://127.0.0.1:${secure.port}`;
  });
  afterAll(() => app.close());

  it('serves /ws to a token signed with JWT_SECRET, and whoami names its user', async () => {
    const client = await WsTestClient.connect(
      ws,
      bearer(signToken(JWT_SECRET, { sub: 'alice', ttlSeconds: 900 })),
    );
    expect(await client.request('whoami')).toEqual({
      event: 'whoami',
      data: { userId: 'alice', connectionId: expect.any(String), expiresAt: expect.any(Number) },
      id: '1',
    });
    client.terminate();
  });

  it('makes /ws clients without a token authenticate first', async () => {
    const client = await WsTestClient.connect(ws);
    client.emit('echo', { text: 'hi' });
    await client.nextError('UNAUTHENTICATED');
    const token = signToken(JWT_SECRET, { sub: 'bob', ttlSeconds: 60 });
    expect(await client.request('auth', { token })).toMatchObject({ data: { userId: 'bob' } });
    expect(await client.request('echo', { text: 'hi' })).toMatchObject({ data: { text: 'hi' } });
    client.terminate();
  });

  it('refuses /ws with a token signed with another secret: 4401', async () => {
    const client = await WsTestClient.connect(
      ws,
      bearer(signToken(`${JWT_SECRET}-other`, { sub: 'mallory', ttlSeconds: 60 })),
    );
    await client.nextError('UNAUTHENTICATED');
    expect((await client.closed).code).toBe(4401);
  });

  it('seed secure server: Authenticated!, then Server received: X', async () => {
    const client = await WsTestClient.connect(seedSecure);
    client.sendText(signJwt({ user_id: 'seed-user', exp: nowSec() + 60 }, { key: JWT_SECRET }));
    expect(await client.nextText()).toBe('Authenticated!');
    client.sendText('hello');
    expect(await client.nextText()).toBe('Server received: hello');
    client.terminate();
  });

  it('seed secure server: Token Expired, then close 4401', async () => {
    const client = await WsTestClient.connect(seedSecure);
    client.sendText(signJwt({ user_id: 'seed-user', exp: nowSec() - 10 }, { key: JWT_SECRET }));
    expect(await client.nextText()).toBe('Token Expired');
    expect((await client.closed).code).toBe(4401);
  });

  it.each([
    ['garbage', () => 'hello'],
    [
      'another secret',
      () => signJwt({ user_id: 'x', exp: nowSec() + 60 }, { key: `${JWT_SECRET}!` }),
    ],
    ['no user_id', () => signJwt({ sub: 'x', exp: nowSec() + 60 }, { key: JWT_SECRET })],
  ])('seed secure server: Invalid Token for %s, then close 4401', async (_name, make) => {
    const client = await WsTestClient.connect(seedSecure);
    client.sendText(make());
    expect(await client.nextText()).toBe('Invalid Token');
    expect((await client.closed).code).toBe(4401);
  });
});

describe('the reference app without JWT_SECRET in development', () => {
  it('makes a random secret and logs a sample token that opens /ws', async () => {
    const logs = captureLogs();
    const app = await bootReferenceApp({}, logs.logger);
    try {
      const [line] = logs.lines.filter((entry) => typeof entry.sampleToken === 'string');
      const url = `ws://127.0.0.1:${httpPort(app)}/ws`;
      const client = await WsTestClient.connect(url, bearer(line?.sampleToken as string));
      expect(await client.request('whoami')).toMatchObject({ data: { userId: 'dev-user' } });
      client.terminate();
    } finally {
      await app.close();
    }
  });
});

describe('the token command', () => {
  it.each([
    ['15m', 900],
    ['30s', 30],
    ['2h', 7200],
    ['1d', 86_400],
    ['45', 45],
  ])('reads --ttl %s as %i seconds', (text, seconds) => {
    expect(parseTtl(text)).toBe(seconds);
  });

  it('refuses a ttl that is not a duration', () => {
    expect(() => parseTtl('soon')).toThrow(
      '--ttl must be a duration like 30s, 15m, 1h or 2d, got "soon".',
    );
  });

  it('signs HS256 with sub, user_id, exp and jti', () => {
    const [header, payload] = signToken(JWT_SECRET, { sub: 'alice', ttlSeconds: 900 })
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
    expect(header).toMatchObject({ alg: 'HS256' });
    expect(payload).toMatchObject({ sub: 'alice', user_id: 'alice', jti: expect.any(String) });
    expect(payload.exp - payload.iat).toBe(900);
  });
});
