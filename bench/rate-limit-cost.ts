/**
 * `npm run bench:rate-limit`: the cost of one rate-limit check, in ns per call,
 * of this module's token bucket against rate-limiter-flexible's
 * RateLimiterMemory and BurstyRateLimiter (a dev dependency, used only here).
 * The figures of docs/protection.md ("Why not rate-limiter-flexible") come
 * from this script. ITERATIONS (default 300,000) calls over KEYS (default
 * 1,000) keys, the best of ROUNDS (default 5) rounds.
 */
import { BurstyRateLimiter, RateLimiterMemory } from 'rate-limiter-flexible';
import { TokenBucket } from '../src/protection/token-bucket.js';

const iterations = Number(process.env.ITERATIONS ?? 300_000);
const keyCount = Number(process.env.KEYS ?? 1_000);
const rounds = Number(process.env.ROUNDS ?? 5);
const keys = Array.from({ length: keyCount }, (_, i) => `key-${i}`);
/** Never refuses in the run: the cost measured is the admitting path, the common one. */
const points = iterations * rounds;

function syncNsPerCall(check: (key: string) => number): number {
  let best = Number.POSITIVE_INFINITY;
  let sink = 0;
  for (let round = 0; round < rounds; round++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) sink += check(keys[i % keyCount] as string);
    best = Math.min(best, Number(process.hrtime.bigint() - started) / iterations);
  }
  if (sink < 0) console.log(sink);
  return best;
}

async function asyncNsPerCall(check: (key: string) => Promise<unknown>): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < rounds; round++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) await check(keys[i % keyCount] as string);
    best = Math.min(best, Number(process.hrtime.bigint() - started) / iterations);
  }
  return best;
}

async function main(): Promise<void> {
  const buckets = new Map<string, TokenBucket>();
  const bucket = (key: string) => {
    let found = buckets.get(key);
    if (!found) {
      found = new TokenBucket({ points, durationMs: 1000 });
      buckets.set(key, found);
    }
    return found.take();
  };
  const memory = new RateLimiterMemory({ points, duration: 1 });
  const bursty = new BurstyRateLimiter(
    new RateLimiterMemory({ points, duration: 1 }),
    new RateLimiterMemory({ keyPrefix: 'burst', points, duration: 10 }),
  );
  // Synchronous, as on the hot path; the others answer with a promise, awaited as a guard would.
  const rows: [string, number][] = [
    ['TokenBucket.take (sync, this module)', syncNsPerCall(bucket)],
    ['RateLimiterMemory.consume (awaited)', await asyncNsPerCall((key) => memory.consume(key))],
    ['BurstyRateLimiter.consume (awaited)', await asyncNsPerCall((key) => bursty.consume(key))],
  ];
  console.log(
    `node ${process.version}, ${iterations} calls over ${keyCount} keys, best of ${rounds}`,
  );
  for (const [name, ns] of rows)
    console.log(`${name.padEnd(40)} ${ns.toFixed(0).padStart(6)} ns/call`);
}

void main();
