/**
 * `--tracing`: the cost of tracing on the echo scenario, measured in the same
 * interleaved slices as the other servers. Two more module servers run beside
 * the module as shipped (tracing off: the tracing plugin is in, no SDK is
 * registered):
 *
 * - the module with the tracing plugin taken out of its plugin list: the
 *   baseline, what the module would cost without tracing at all;
 * - the module with the OpenTelemetry SDK registered (every span sampled,
 *   batched, dropped by the exporter): tracing on.
 *
 * Each gets its ratio to the baseline on server CPU per message, which
 * barely depends on the noisy wall clock. The target (#16), tracing off
 * within 3% of no tracing, is judged by `--tracing-pairs` (tracing-pairs.ts):
 * one pair of processes cannot settle it, two processes of the same code
 * differ by more than 3% here.
 */
import type { ServerKind } from './protocol.js';
import type { InterleavedSpec, Measurement, ServerVariant } from './scenario.js';

/** Tracing off may cost at most this much server CPU per message over no tracing. */
export const TRACING_OFF_MAX = 1.03;

const BASELINE: ServerVariant = {
  kind: 'module',
  label: 'module, no tracing plugin (baseline)',
  options: { tracing: 'absent' },
};

const SDK: ServerVariant = {
  kind: 'module',
  label: 'module, tracing on (SDK, spans dropped)',
  options: { tracing: 'sdk' },
};

const cpuPerOp = (m: Measurement): number | undefined => m.secondary?.value;

/** Three decimals: the target is a 3% band. */
const ratio3 = (r: number): string => (Number.isFinite(r) ? `${r.toFixed(3)}x` : 'n/a');

function against(m: Measurement, base: Measurement): string {
  const mine = cpuPerOp(m);
  const theirs = cpuPerOp(base);
  const cpu = mine !== undefined && theirs !== undefined && theirs > 0 ? mine / theirs : Number.NaN;
  return `vs no tracing: srv cpu ${ratio3(cpu)}, rate ${ratio3(m.value / base.value)}`;
}

/** The module's tracing variants, when `--tracing` asks for them. */
export const tracingVariants: InterleavedSpec['variants'] = (config) =>
  config.tracing ? [BASELINE, SDK] : [];

/** Puts the variants under the module's row, each with its ratio to the baseline. */
export const attachTracingVariants: InterleavedSpec['attachVariants'] = (results, variants) => {
  const module = results.get('module' satisfies ServerKind);
  const base = variants.find((v) => v.variant === BASELINE)?.result;
  if (!module || module instanceof Error) return;
  module.extraRows ??= [];
  for (const { variant, result } of variants) {
    if (result instanceof Error) {
      module.warnings.push(`${variant.label}: ${result.message}`);
      continue;
    }
    if (base && !(base instanceof Error) && result !== base) {
      result.notes.unshift(against(result, base));
    }
    module.extraRows.push({ label: variant.label, measurement: result });
  }
  if (!base || base instanceof Error) return;
  const mine = cpuPerOp(module);
  const theirs = cpuPerOp(base);
  if (mine === undefined || theirs === undefined || !(theirs > 0)) return;
  const off = mine / theirs;
  module.notes.unshift(
    `tracing off vs no tracing, this one pair of processes: srv cpu ${ratio3(off)}, rate ${ratio3(module.value / base.value)} (no verdict from one pair: see the rounds)`,
  );
};
