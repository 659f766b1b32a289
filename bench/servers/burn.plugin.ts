/**
 * The positive control of `--tracing-pairs` (`--tracing-burn <ns>`): a plugin
 * whose `afterMessage` does a fixed amount of arithmetic per message, sized at
 * start-up to take `ns` of CPU. A measure that cannot tell a plugin costing
 * 5% of an echo from none cannot vouch for "within 3%" either.
 */
import type { SecureWsPlugin } from '../../src/connection/plugin.interface.js';

/** Work that V8 cannot drop: each step needs the last. */
function spin(iterations: number, seed: number): number {
  let x = seed;
  for (let i = 0; i < iterations; i++) x = (Math.imul(x, 1103515245) + 12345) | 0;
  return x;
}

/**
 * Iterations of `spin` per ns: the fastest of a few timings, once optimized
 * (a busy machine can only make a timing slower, never faster).
 */
function iterationsPerNs(): number {
  let best = 0;
  let sink = 0;
  for (let round = 0; round < 12; round++) {
    const iterations = 1_000_000;
    const t0 = process.hrtime.bigint();
    sink = spin(iterations, sink + round);
    const ns = Number(process.hrtime.bigint() - t0);
    if (ns > 0) best = Math.max(best, iterations / ns);
  }
  return best;
}

export class BurnPlugin implements SecureWsPlugin {
  private readonly iterations: number;
  /** Kept so that the work is used. */
  private sink = 0;

  constructor(readonly ns: number) {
    this.iterations = Math.max(1, Math.round(ns * iterationsPerNs()));
  }

  afterMessage(): void {
    this.sink = spin(this.iterations, this.sink);
  }
}
