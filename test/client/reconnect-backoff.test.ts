import { describe, expect, it } from 'vitest';
import { reconnectDelay, resolveReconnect } from '../../src/client/reconnect-backoff.js';

describe('reconnect backoff', () => {
  const options = resolveReconnect({
    initialDelayMs: 100,
    maxDelayMs: 1000,
    factor: 2,
    jitter: 0.5,
  });

  it('doubles from the initial delay up to the ceiling', () => {
    const noJitter = () => 0;
    expect([0, 1, 2, 3, 4, 5].map((n) => reconnectDelay(n, options, noJitter))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
  });

  it('takes up to `jitter` of each delay off at random', () => {
    expect(reconnectDelay(2, options, () => 1)).toBe(200);
    expect(reconnectDelay(2, options, () => 0.5)).toBe(300);
    const full = resolveReconnect({ initialDelayMs: 100, jitter: 1 });
    expect(reconnectDelay(0, full, () => 0.999)).toBe(0);
  });

  it('has documented defaults and keeps jitter within 0..1', () => {
    expect(resolveReconnect()).toEqual({
      initialDelayMs: 500,
      maxDelayMs: 30_000,
      factor: 2,
      jitter: 0.5,
      maxAttempts: Number.POSITIVE_INFINITY,
    });
    expect(resolveReconnect({ jitter: 7 }).jitter).toBe(1);
  });
});
