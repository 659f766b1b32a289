import { describe, expect, it } from 'vitest';
import { pairedVerdict, summarize } from '../../bench/lib/paired-verdict.js';

/** `n` ratios around `center`, spread evenly by +-`spread`. */
const around = (center: number, spread: number, n: number): number[] =>
  Array.from({ length: n }, (_, i) => center + spread * (n === 1 ? 0 : (2 * i) / (n - 1) - 1));

describe('--tracing-pairs verdict', () => {
  it('passes a cost within the band when the A/A control agrees', () => {
    const v = pairedVerdict(around(1.01, 0.04, 12), around(1.0, 0.035, 12), 1.03);
    expect(v.verdict).toBe('pass');
    expect(v.test.median).toBeCloseTo(1.01, 10);
  });

  it('says MISS for a plugin costing 5%, with rounds as noisy as the band allows', () => {
    const v = pairedVerdict(around(1.05, 0.08, 12), around(0.995, 0.035, 12), 1.03);
    expect(v.verdict).toBe('MISS');
    expect(v.reason).toBe('median 1.050x > 1.03x');
  });

  it('gives no verdict when two processes of the same code disagree by more than 1.5%', () => {
    const v = pairedVerdict(around(1.0, 0.02, 12), around(1.02, 0.02, 12), 1.03);
    expect(v.verdict).toBe('not settled');
    expect(v.reason).toMatch(/^A\/A control median 1\.020x is 2\.0% from 1/);
  });

  it('says MISS when the whole interval is above the band, however wide the A/A interval', () => {
    // The shared-machine positive control: a plugin burning 1000 ns (+4.7%) per message.
    const v = pairedVerdict(around(1.075, 0.04, 12), around(0.998, 0.15, 12), 1.03);
    expect(v.verdict).toBe('MISS');
    expect(v.reason).toBe('the whole 95% interval of the median is above 1.03x (from 1.050x)');
    // The same rounds around 1.04x: the interval reaches into the band, so no verdict.
    expect(pairedVerdict(around(1.04, 0.04, 12), around(0.998, 0.15, 12), 1.03).verdict).toBe(
      'not settled',
    );
  });

  it('gives no verdict when the A/A median is near 1 but its interval is wider than the band', () => {
    // A 0.964x median would pass, but two identical processes differ by up to 20% here.
    const v = pairedVerdict(around(0.964, 0.2, 12), around(0.99, 0.3, 12), 1.03);
    expect(v.verdict).toBe('not settled');
    expect(v.reason).toMatch(
      /^the A\/A control's 95% interval 0\.799x-1\.181x reaches 20\.1% from 1, wider than the 3\.0% band: .* about 539 rounds would narrow it enough$/,
    );
  });

  it('gives no verdict on fewer than 6 rounds, and leaves out rounds without a figure', () => {
    const v = pairedVerdict(
      [1.0, Number.NaN, 1.01, 1.0, 1.0, 1.0],
      [1.0, 1.0, Number.NaN, 1.0, 1.0, 1.0],
      1.03,
    );
    expect(v.test.n).toBe(5);
    expect(v.verdict).toBe('not settled');
    expect(v.reason).toBe('fewer than 6 rounds measured');
  });

  it('bounds the median by order statistics: none below 6 rounds, x(3)..x(10) of 12', () => {
    expect(summarize([1, 2, 3, 4, 5]).ci).toBeUndefined();
    expect(summarize([6, 1, 5, 2, 4, 3]).ci).toEqual({ low: 1, high: 6 });
    const twelve = summarize([12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(twelve.ci).toEqual({ low: 3, high: 10 });
    expect(twelve.median).toBe(6.5);
    expect([twelve.min, twelve.max]).toEqual([1, 12]);
  });
});
