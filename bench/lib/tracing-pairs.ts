/**
 * `--tracing-pairs <n>`: #16's "tracing off within 3% of no tracing plugin",
 * judged so that the difference between two processes cannot decide it.
 *
 * On this VM two server processes running the same code differ by up to
 * 13% in CPU per message (JIT decisions, code and heap layout), more than
 * the 3% to be shown. So after the echo run come `n` rounds, each with fresh
 * processes: two baselines (the module without its tracing plugin) and the
 * module as shipped (tracing off), started in a rotating order (all six
 * orders in turn) and loaded at once in every slice: they share the
 * servers' core at the same instants, so what else runs on the machine hits
 * all three alike (`--tracing-alternate`: one after the other in
 * alternating slices, like the other rate scenarios). Per round:
 *
 * - test: shipped / geometric mean of the two baselines, in server CPU per message;
 * - A/A control: the second baseline / the first: what two processes of the
 *   same code differ by, in the same minutes.
 *
 * The target is judged on the test's median over rounds, and only when the
 * control is within its tolerance: its median near 1 and its interval
 * within the band (lib/paired-verdict.ts). With
 * `--tracing-burn <ns>` the shipped processes also run a plugin that burns
 * that much CPU per message: the check that a real cost comes out MISS.
 */

import { measureInterleaved } from './interleave.js';
import {
  type PairedVerdict,
  pairedVerdict,
  type RatioSummary,
  summarize,
} from './paired-verdict.js';
import type { ServerKind, ServerOptions } from './protocol.js';
import type { InterleavedSpec, Measurement, ScenarioContext } from './scenario.js';
import { TRACING_OFF_MAX } from './tracing-cost.js';

type Role = 'baseline' | 'baseline 2' | 'shipped';

/** Start orders, in turn: every role in every position equally often over 6 rounds. */
const ORDERS: Role[][] = [
  ['baseline', 'baseline 2', 'shipped'],
  ['shipped', 'baseline', 'baseline 2'],
  ['baseline 2', 'shipped', 'baseline'],
  ['baseline', 'shipped', 'baseline 2'],
  ['shipped', 'baseline 2', 'baseline'],
  ['baseline 2', 'baseline', 'shipped'],
];

const x3 = (r: number): string => (Number.isFinite(r) ? `${r.toFixed(3)}x` : 'n/a');

function describe(s: RatioSummary): string {
  const ci = s.ci ? `95% CI ${x3(s.ci.low)}-${x3(s.ci.high)}, ` : '';
  return `median ${x3(s.median)} (${ci}range ${x3(s.min)}-${x3(s.max)})`;
}

/**
 * The verdict line put first in the module row's notes. With a burn, what
 * the burn alone should read (1 + burn / the baselines' median CPU per
 * message): a test median below it shows how much the measure hides.
 */
export function verdictNote(
  v: PairedVerdict,
  burnNs: number | undefined,
  baselineUs: number,
): string {
  const expected = burnNs ? 1 + burnNs / 1000 / baselineUs : Number.NaN;
  const what = burnNs
    ? `positive control, tracing off + a plugin burning ${burnNs} ns per message (alone ${x3(expected)} of the baselines' ${baselineUs.toFixed(2)} µs), vs no tracing`
    : 'tracing off vs no tracing';
  return `${what}, ${v.test.n} rounds of fresh processes: srv cpu ${describe(v.test)}; A/A control (baseline / baseline) ${describe(v.control)}; <= ${TRACING_OFF_MAX.toFixed(2)}x: ${v.verdict} (${v.reason})`;
}

const cpuPerMessage = (m: Measurement | Error | undefined): number | undefined =>
  m === undefined || m instanceof Error || m.warnings.length > 0 ? undefined : m.secondary?.value;

/** `InterleavedSpec.thenMeasure` of the echo scenario. */
export function tracingPairs(
  spec: InterleavedSpec,
): (ctx: ScenarioContext, results: Map<ServerKind, Measurement | Error>) => Promise<void> {
  return async (ctx, results) => {
    const { config } = ctx;
    const module = results.get('module');
    if (!config.tracing || config.tracingPairs === 0 || !module || module instanceof Error) return;
    const roundCtx = { ...ctx, config: { ...config, durationS: config.tracingPairDurationS } };
    const options: Record<Role, Omit<ServerOptions, 'auth'>> = {
      baseline: { tracing: 'absent' },
      'baseline 2': { tracing: 'absent' },
      shipped: config.tracingBurnNs ? { burnNs: config.tracingBurnNs } : {},
    };
    const test: number[] = [];
    const baselineUs: number[] = [];
    const control: number[] = [];
    const perRound: string[] = [];
    for (let round = 0; round < config.tracingPairs; round++) {
      const order = ORDERS[round % ORDERS.length] as Role[];
      const measured = await measureInterleaved(
        roundCtx,
        spec,
        order.map((role) => ({ kind: 'module', options: options[role] })),
        config.tracingTogether,
      );
      const cpu = (role: Role) => cpuPerMessage(measured[order.indexOf(role)]);
      const [a, b, s] = [cpu('baseline'), cpu('baseline 2'), cpu('shipped')];
      if (a === undefined || b === undefined || s === undefined) {
        const failed = measured.find((m) => m instanceof Error || m.warnings.length > 0);
        const why = failed instanceof Error ? failed.message : failed?.warnings.join(', ');
        module.warnings.push(`tracing pairs, round ${round + 1} left out: ${why ?? 'no figure'}`);
        continue;
      }
      test.push(s / Math.sqrt(a * b));
      baselineUs.push(Math.sqrt(a * b));
      control.push(b / a);
      const line = `${x3(s / Math.sqrt(a * b))} / A/A ${x3(b / a)} (${s.toFixed(2)} vs ${a.toFixed(2)}, ${b.toFixed(2)} µs)`;
      perRound.push(line);
      ctx.log(
        `  tracing pairs, round ${round + 1}/${config.tracingPairs} (${order.join(', ')}): ${line}`,
      );
    }
    const verdict = pairedVerdict(test, control, TRACING_OFF_MAX);
    const note = verdictNote(verdict, config.tracingBurnNs, summarize(baselineUs).median);
    ctx.log(`  ${note}`);
    module.notes.unshift(note, `rounds (shipped / baselines, A/A): ${perRound.join('; ')}`);
  };
}
