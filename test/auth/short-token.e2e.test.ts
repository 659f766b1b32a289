import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noticeLeadMs } from '../../src/auth/session-timers.js';
import { type AuthTestApp, createAuthApp } from './support/auth-app.js';
import { bearer, generateTestKeys, hs } from './support/tokens.js';

const { secret } = generateTestKeys();

describe('session.expiring for short-lived tokens', () => {
  let t: AuthTestApp;

  beforeAll(async () => {
    // The default notice (60 s) is far longer than the tokens below.
    t = await createAuthApp({ secret });
  });
  afterAll(() => t.close());

  it('leads by expiringNoticeMs, or by a third of what is left when that is shorter', () => {
    expect(noticeLeadMs(60_000, 3_000_000, 0)).toBe(60_000);
    expect(noticeLeadMs(60_000, 3000, 0)).toBe(1000);
    expect(noticeLeadMs(60_000, 3000, 2999)).toBe(0);
  });

  it('tells a 3 s token before it ends, so a refresh keeps the connection open', async () => {
    const client = await t.connect('/secure', bearer(hs(secret, 'brief', 3)));
    const first = await client.request<{ data: { expiresAt: number } }>('whoami');
    const expiresAt = first.data.expiresAt;
    expect(await client.next(3500)).toEqual({ event: 'session.expiring', data: { expiresAt } });
    const left = expiresAt - Date.now();
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThanOrEqual(1100);

    client.send({ event: 'auth', data: { token: hs(secret, 'brief', 3) }, id: 'r' });
    const refreshed = await client.next<{ data: { expiresAt: number } }>();
    expect(refreshed).toEqual({
      event: 'auth',
      data: { userId: 'brief', expiresAt: expect.any(Number) },
      id: 'r',
    });
    const next = refreshed.data.expiresAt;
    expect(next).toBeGreaterThan(expiresAt);
    // Past the first token's end: still open, and told again before the new one ends.
    expect(await client.next(4000)).toEqual({
      event: 'session.expiring',
      data: { expiresAt: next },
    });
    expect(Date.now()).toBeGreaterThan(expiresAt);
    expect(Date.now()).toBeLessThan(next);
    await client.nextError('TOKEN_EXPIRED', 3000);
    expect(await client.closed).toEqual({ code: 4401, reason: 'TOKEN_EXPIRED' });
  });
});
