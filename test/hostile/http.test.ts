import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawHttp } from './support/raw-socket.js';
import { type ReferenceApp, startReferenceApp } from './support/reference-app.js';

const get = (path: string, extra = '') =>
  `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${extra}\r\n`;

describe('the reference app over plain HTTP, under hostile requests', () => {
  let ref: ReferenceApp;

  beforeAll(async () => {
    ref = await startReferenceApp();
  });
  afterAll(() => ref.close());

  it.each([
    ['no sub', '/dev/token'],
    ['a sub of 10,000 characters', `/dev/token?sub=${'a'.repeat(10_000)}`],
    ['a sub with markup', '/dev/token?sub=%3Cscript%3E'],
    ['a sub array', '/dev/token?sub=a&sub=b'],
    ['a sub object', '/dev/token?sub[toString]=x'],
    ['a __proto__ sub', '/dev/token?__proto__[sub]=alice'],
    ['a negative ttl', '/dev/token?sub=alice&ttl=-1'],
    ['a ttl over an hour', '/dev/token?sub=alice&ttl=2h'],
    ['a ttl of 1e99', '/dev/token?sub=alice&ttl=1e99'],
    ['a ttl array', '/dev/token?sub=alice&ttl=1s&ttl=2s'],
  ])('answers /dev/token with %s 400, and stays up', async (_name, path) => {
    const answer = await rawHttp(ref.port, get(path));
    expect(answer.status).toBe(400);
    expect(answer.body).not.toMatch(/eyJ|stack/);
    expect(({} as Record<string, unknown>).sub).toBeUndefined();
    await ref.alive();
  });

  it('answers a URL over the header limit 431, and bad methods and garbage without a crash', async () => {
    expect((await rawHttp(ref.port, get(`/health?${'x'.repeat(20_000)}`))).status).toBe(431);
    expect((await rawHttp(ref.port, 'BREW /health HTTP/1.1\r\nHost: x\r\n\r\n')).status).toBe(400);
    expect((await rawHttp(ref.port, get('/health', 'Content-Length: -1\r\n'))).status).toBe(400);
    expect(
      (
        await rawHttp(
          ref.port,
          get('/health', 'Transfer-Encoding: chunked\r\nContent-Length: 5\r\n'),
        )
      ).status,
    ).toBe(400);
    expect((await rawHttp(ref.port, get('/%E0%A4%A'))).status).toBeGreaterThanOrEqual(400);
    expect((await rawHttp(ref.port, get('/health/live?format[]=x'))).status).toBe(200);
    expect((await rawHttp(ref.opsPort, get('/metrics?format[]=x'))).status).toBe(200);
    await ref.alive();
  });
});

describe('the reference app in production', () => {
  it('has no /dev/token at all', async () => {
    const ref = await startReferenceApp({
      NODE_ENV: 'production',
      JWT_SECRET: 'production-secret-0123456789abcdef-xyz',
    });
    try {
      expect((await rawHttp(ref.port, get('/dev/token?sub=alice'))).status).toBe(404);
      await ref.alive();
    } finally {
      await ref.close();
    }
  });
});
