import { type IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { BoundedMap } from '../../src/protection/bounded-map.js';
import { clientAddressOf } from '../../src/protection/client-address.js';
import { AddressSet, normalizeAddress } from '../../src/protection/ip-rules.js';
import { TokenBucket } from '../../src/protection/token-bucket.js';

function request(remoteAddress: string, forwardedFor?: string): IncomingMessage {
  return {
    socket: { remoteAddress },
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  } as unknown as IncomingMessage;
}

describe('per-key state stays bounded under a flood of keys', () => {
  it('keeps at most `limit` entries, forgetting the least recently used first', () => {
    const map = new BoundedMap<string, number>(100);
    for (let i = 0; i < 100_000; i += 1) map.getOrCreate(`10.0.${i >> 8}.${i & 255}`, () => i);
    expect(map.size).toBe(100);
    const kept = new BoundedMap<string, number>(2);
    kept.getOrCreate('a', () => 1);
    kept.getOrCreate('b', () => 2);
    kept.getOrCreate('a', () => 99); // touched: now the most recent
    kept.getOrCreate('c', () => 3); // forgets b
    expect(kept.getOrCreate('a', () => 0)).toBe(1);
    expect(kept.getOrCreate('b', () => 0)).toBe(0);
  });

  it('moves a key used again only when it is not already the most recent', () => {
    const map = new BoundedMap<string, number>(2);
    map.getOrCreate('a', () => 1);
    map.getOrCreate('b', () => 2);
    map.getOrCreate('b', () => 0); // already the most recent
    map.getOrCreate('a', () => 0); // now a is
    map.getOrCreate('b', () => 0); // b again, past a
    map.getOrCreate('c', () => 3); // forgets a
    expect(map.getOrCreate('b', () => 0)).toBe(2);
    expect(map.getOrCreate('a', () => 0)).toBe(0);
  });
});

describe('token bucket', () => {
  it('allows the burst, then says how long until the next token, then refills', () => {
    const bucket = new TokenBucket({ points: 10, durationMs: 1000, burst: 3 }, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([0, 0, 0]);
    expect(bucket.take(0)).toBe(100);
    expect(bucket.take(50)).toBe(50);
    expect(bucket.take(100)).toBe(0);
    expect(bucket.take(10_000)).toBe(0);
    expect([bucket.take(10_000), bucket.take(10_000), bucket.take(10_000)]).toEqual([0, 0, 100]);
  });
});

describe('client address', () => {
  const proxies = new AddressSet(['127.0.0.1', '10.0.0.0/8'], 'trustedProxies');

  it('reads IPv4-mapped IPv6 as IPv4, in rules and in addresses', () => {
    expect(normalizeAddress('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(normalizeAddress('::FFFF:192.0.2.7')).toBe('192.0.2.7');
    expect(normalizeAddress('2001:DB8::1')).toBe('2001:db8::1');
    const rules = new AddressSet(['::ffff:192.0.2.0/120', '2001:db8::/32'], 'ipDenyList');
    expect(rules.has('192.0.2.200')).toBe(true);
    expect(rules.has('::ffff:192.0.2.200')).toBe(true);
    expect(rules.has('2001:db8:ffff::1')).toBe(true);
    expect(rules.has('192.0.3.1')).toBe(false);
    expect(rules.has('not an address')).toBe(false);
  });

  it('believes X-Forwarded-For only from a trusted peer, from the right', () => {
    expect(clientAddressOf(request('198.51.100.1', '192.0.2.1'), proxies)).toBe('198.51.100.1');
    expect(clientAddressOf(request('::ffff:127.0.0.1', '192.0.2.1'), proxies)).toBe('192.0.2.1');
    expect(clientAddressOf(request('127.0.0.1', '6.6.6.6, 192.0.2.1, 10.1.1.1'), proxies)).toBe(
      '192.0.2.1',
    );
    // Every hop trusted: the left-most is the client.
    expect(clientAddressOf(request('127.0.0.1', '10.0.0.9, 10.1.1.1'), proxies)).toBe('10.0.0.9');
    // Garbage stops the walk at the last address a trusted hop vouched for.
    expect(clientAddressOf(request('127.0.0.1', 'garbage, 10.1.1.1'), proxies)).toBe('10.1.1.1');
    expect(clientAddressOf(request('127.0.0.1'), proxies)).toBe('127.0.0.1');
    expect(clientAddressOf(request('127.0.0.1', '192.0.2.1'), new AddressSet([], 'x'))).toBe(
      '127.0.0.1',
    );
  });
});
