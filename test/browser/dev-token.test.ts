import { type INestApplication } from '@nestjs/common';
import { afterEach, describe, expect, it } from 'vitest';
import { WsTestClient } from '../../src/testing/ws-test-client.js';
import { bootReferenceApp, httpPort } from '../support/reference-app.js';

const JWT_SECRET = 'dev-token-test-secret-0123456789abcdef';

async function boot(nodeEnv: string): Promise<{ app: INestApplication; base: string }> {
  const app = await bootReferenceApp({ NODE_ENV: nodeEnv, JWT_SECRET });
  return { app, base: `127.0.0.1:${httpPort(app)}` };
}

describe('GET /dev/token, the demo page sign-in', () => {
  let app: INestApplication | undefined;
  afterEach(() => app?.close());

  it('signs a token the app accepts on /ws, in development', async () => {
    let base: string;
    ({ app, base } = await boot('development'));
    const response = await fetch(`http://${base}/dev/token?sub=alice&ttl=90s`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const { token, expiresAt } = (await response.json()) as { token: string; expiresAt: number };
    expect(expiresAt - Date.now()).toBeGreaterThan(80_000);
    const client = await WsTestClient.connect(`ws://${base}/ws`, { token });
    client.send({ event: 'whoami', id: 1 });
    expect(await client.next()).toMatchObject({
      event: 'whoami',
      data: { userId: 'alice' },
      id: 1,
    });
    client.terminate();
  });

  it.each([
    ['sub=', 'sub must be 1 to 64 letters, digits, "-", "_" or "."'],
    ['sub=a%20b', 'sub must be 1 to 64 letters, digits, "-", "_" or "."'],
    ['sub=alice&ttl=2h', 'ttl must be a duration from 1s to 3600s, like 30s or 5m'],
    ['sub=alice&ttl=soon', 'ttl must be a duration from 1s to 3600s, like 30s or 5m'],
  ])('refuses %s with 400', async (query, message) => {
    let base: string;
    ({ app, base } = await boot('development'));
    const response = await fetch(`http://${base}/dev/token?${query}`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toBe(message);
  });

  it('does not exist in production, where the page is still served', async () => {
    let base: string;
    ({ app, base } = await boot('production'));
    expect((await fetch(`http://${base}/dev/token?sub=alice`)).status).toBe(404);
    expect((await fetch(`http://${base}/`)).status).toBe(200);
  });
});
