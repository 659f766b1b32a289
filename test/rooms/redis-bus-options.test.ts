import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../../src/secure-ws.module-options.js';

describe('the redis option', () => {
  it('is absent by default: the bus stays in memory', () => {
    expect(resolveOptions({}).redis).toBeUndefined();
  });

  it('fills its defaults', () => {
    expect(resolveOptions({ redis: { url: 'redis://127.0.0.1:6379' } }).redis).toEqual({
      url: 'redis://127.0.0.1:6379',
      keyPrefix: 'secure-ws:',
      presenceTtlMs: 30_000,
      maxReconnectDelayMs: 2000,
      commandTimeoutMs: 2000,
    });
  });

  it.each([
    [{ url: 'localhost:6379' }, 'SecureWsModule: "redis.url" must be a redis:// or rediss:// URL.'],
    [
      { url: 'redis://h', presenceTtlMs: 0 },
      'SecureWsModule: "redis.presenceTtlMs" must be a positive integer, got 0.',
    ],
    [
      { url: 'redis://h', commandTimeoutMs: 1.5 },
      'SecureWsModule: "redis.commandTimeoutMs" must be a positive integer, got 1.5.',
    ],
  ])('refuses %j with one sentence', (redis, message) => {
    expect(() => resolveOptions({ redis })).toThrow(message);
  });
});
