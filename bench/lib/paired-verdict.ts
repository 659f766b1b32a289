/**
 * The statistics of `--tracing-pairs`: medians over rounds of fresh
 * processes, with a distribution-free confidence interval, and the verdict
 * rule: judged on the test's median, only when the A/A control (two
 * processes of the same code, same rounds) is within its tolerance: its
 * median near 1, and its median pinned down to the band being judged. One
 * exception, which can only fail the target: a test whose whole interval
 * lies above the band is a MISS however noisy the processes are.
 */

/** Median, range and ~95% confidence interval of the median of a few ratios. */
export interface RatioSummary {
  n: number;
  median: number;
  min: number;
  max: number;
  /** Order-statistic bounds of the median's ~95% interval; undefined below 6 values. */
  ci: { low: number; high: number } | undefined;
}

export interface PairedVerdict {
  /** Shipped over baseline, per round. */
  test: RatioSummary;
  /** Baseline over baseline (two processes of the same code), per round. */
  control: RatioSummary;
  verdict: 'pass' | 'MISS' | 'not settled';
  reason: string;
}

/** How far the A/A control's median may be from 1 for the run to judge a 3% band (half of it). */
export const CONTROL_TOLERANCE = 0.015;
/** Fewer rounds than this give no verdict (below 6 the median has no 95% interval). */
export const MIN_ROUNDS = 6;

function median(sorted: number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** P(X <= k) for X ~ Binomial(n, 1/2). */
function binomialHalfCdf(n: number, k: number): number {
  let term = 0.5 ** n;
  let sum = term;
  for (let i = 1; i <= k; i++) {
    term = (term * (n - i + 1)) / i;
    sum += term;
  }
  return sum;
}

/**
 * The median's interval from order statistics: [x(k), x(n-k+1)] with the
 * largest k for which P(Binomial(n, 1/2) < k) <= 2.5% (no assumption on the
 * ratios' distribution).
 */
function medianInterval(sorted: number[]): RatioSummary['ci'] {
  const n = sorted.length;
  let k = 0;
  while (k + 1 <= n / 2 && binomialHalfCdf(n, k) <= 0.025) k++;
  if (k === 0) return undefined;
  return { low: sorted[k - 1] as number, high: sorted[n - k] as number };
}

export function summarize(ratios: number[]): RatioSummary {
  const sorted = ratios.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) {
    return { n: 0, median: Number.NaN, min: Number.NaN, max: Number.NaN, ci: undefined };
  }
  return {
    n: sorted.length,
    median: median(sorted),
    min: sorted[0] as number,
    max: sorted[sorted.length - 1] as number,
    ci: medianInterval(sorted),
  };
}

/**
 * Judges `test` (shipped / baseline per round) against `max`, on its median,
 * when the A/A `control` (baseline / baseline, same rounds) says two
 * processes of the same code agree within CONTROL_TOLERANCE.
 */
export function pairedVerdict(test: number[], control: number[], max: number): PairedVerdict {
  const t = summarize(test);
  const c = summarize(control);
  const base = { test: t, control: c };
  const band = max - 1;
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  if (t.n < MIN_ROUNDS || c.n < MIN_ROUNDS || !c.ci) {
    return { ...base, verdict: 'not settled', reason: `fewer than ${MIN_ROUNDS} rounds measured` };
  }
  const off = Math.abs(c.median - 1);
  if (!(off <= CONTROL_TOLERANCE)) {
    return {
      ...base,
      verdict: 'not settled',
      reason: `A/A control median ${c.median.toFixed(3)}x is ${pct(off)} from 1 (tolerance ${pct(CONTROL_TOLERANCE)}): this run cannot resolve a ${pct(band)} band`,
    };
  }
  if (t.ci && t.ci.low > max) {
    return {
      ...base,
      verdict: 'MISS',
      reason: `the whole 95% interval of the median is above ${max.toFixed(2)}x (from ${t.ci.low.toFixed(3)}x)`,
    };
  }
  const spread = Math.max(1 - c.ci.low, c.ci.high - 1);
  if (!(spread <= band)) {
    // The interval narrows with the square root of the rounds.
    const rounds = Math.ceil(c.n * (spread / band) ** 2);
    return {
      ...base,
      verdict: 'not settled',
      reason: `the A/A control's 95% interval ${c.ci.low.toFixed(3)}x-${c.ci.high.toFixed(3)}x reaches ${pct(spread)} from 1, wider than the ${pct(band)} band: two processes of the same code differ by more than that here; about ${rounds} rounds would narrow it enough`,
    };
  }
  return t.median <= max
    ? { ...base, verdict: 'pass', reason: `median ${t.median.toFixed(3)}x <= ${max.toFixed(2)}x` }
    : { ...base, verdict: 'MISS', reason: `median ${t.median.toFixed(3)}x > ${max.toFixed(2)}x` };
}
