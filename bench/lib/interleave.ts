/**
 * Interleaved measurement of rate scenarios.
 *
 * On this 2-vCPU VM the same run can differ by 10-30% from one minute to the
 * next (and loopback connection rates by far more), which would end up in the
 * ratios if raw ws ran in the first minute and the gateways later. So all
 * servers of a rate scenario are started (each in its own process, idle while
 * not driven), and the measured duration is cut into slices that alternate
 * between them: raw, nest, module, then nest, module, raw, ... Each server gets
 * the same total measured time, spread over the same stretch of wall clock.
 *
 * Per server: one warm-up (not counted), then per slice a short ramp-up (not
 * counted), the measured slice, and a drain, so that no server is busy while
 * another one is measured.
 */
import { performance } from 'node:perf_hooks';
import { formatPercent } from './format.js';
import type { CpuSample, ServerKind, ServerOptions } from './protocol.js';
import {
  type Driver,
  type InterleavedSpec,
  type Measurement,
  type ScenarioContext,
  startServer,
} from './scenario.js';
import type { ServerProcess } from './server-process.js';
import { sleep } from './stats.js';
import { machineCpu } from './system.js';

interface Entry {
  /** Index of its start in `measureInterleaved`'s `starts`. */
  index: number;
  server: ServerProcess;
  driver: Driver;
  close(): void;
  measuredMs: number;
  serverCpuMicros: number;
  serverWallMs: number;
  generatorCpuMicros: number;
  /** CPU of the whole machine over the measured slices (see machineCpu). */
  machineTasksMs: number;
  machineIrqMs: number;
}

const RAMP_MS = 250;

function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/**
 * One measured slice of `group`, driven at once: ramp-up, the slice, drain.
 * The generator's and the machine's CPU of the slice count for each of them.
 */
async function measureSlice(group: Entry[], sliceMs: number): Promise<void> {
  for (const e of group) e.driver.start();
  await sleep(RAMP_MS);
  const cpu0: CpuSample[] = await Promise.all(group.map((e) => e.server.cpu()));
  const gen0 = cpuMicros();
  const machine0 = machineCpu();
  const t0 = performance.now();
  for (const e of group) e.driver.beginMeasure();
  await sleep(sliceMs);
  for (const e of group) e.driver.endMeasure();
  const t1 = performance.now();
  const gen1 = cpuMicros();
  const machine1 = machineCpu();
  const cpu1: CpuSample[] = await Promise.all(group.map((e) => e.server.cpu()));
  await Promise.all(group.map((e) => e.driver.stop()));
  for (const [i, e] of group.entries()) {
    const [a, b] = [cpu0[i] as CpuSample, cpu1[i] as CpuSample];
    e.measuredMs += t1 - t0;
    e.generatorCpuMicros += gen1 - gen0;
    e.serverCpuMicros += b.cpuMicros - a.cpuMicros;
    e.serverWallMs += b.at - a.at;
    e.machineTasksMs += machine0 && machine1 ? machine1.tasksMs - machine0.tasksMs : Number.NaN;
    e.machineIrqMs += machine0 && machine1 ? machine1.irqMs - machine0.irqMs : Number.NaN;
  }
}

/** One server of an interleaved run: a kind, started with these options. */
export interface InterleavedStart {
  kind: ServerKind;
  options: Omit<ServerOptions, 'auth'>;
}

export async function runInterleaved(
  ctx: ScenarioContext,
  kinds: ServerKind[],
  spec: InterleavedSpec,
): Promise<Map<ServerKind, Measurement | Error>> {
  const variants = (spec.variants?.(ctx.config) ?? []).filter((v) => kinds.includes(v.kind));
  const measured = await measureInterleaved(ctx, spec, [
    ...kinds.map((kind) => ({ kind, options: {} })),
    ...variants.map((variant) => ({ kind: variant.kind, options: variant.options })),
  ]);
  const results = new Map<ServerKind, Measurement | Error>();
  for (const [i, kind] of kinds.entries()) {
    results.set(kind, measured[i] ?? new Error('not measured'));
  }
  if (variants.length > 0) {
    spec.attachVariants?.(
      results,
      variants.map((variant, i) => ({
        variant,
        result: measured[kinds.length + i] ?? new Error('not measured'),
      })),
    );
  }
  await spec.thenMeasure?.(ctx, results);
  return results;
}

/**
 * Starts every server of `starts` (in that order), then measures them in
 * interleaved slices, or, `together`, all loaded at once in every slice
 * (they share the servers' core, and whatever else runs on it, at the same
 * instants); the results come in the order of `starts`.
 */
export async function measureInterleaved(
  ctx: ScenarioContext,
  spec: InterleavedSpec,
  starts: InterleavedStart[],
  together = false,
): Promise<(Measurement | Error)[]> {
  const { config } = ctx;
  const results: (Measurement | Error)[] = starts.map(() => new Error('not measured'));
  const entries: Entry[] = [];
  try {
    for (const [index, { kind, options }] of starts.entries()) {
      let server: ServerProcess | undefined;
      try {
        server = await startServer(ctx, kind, { ...options, auth: spec.auth });
        const { driver, close } = await spec.open(ctx, server);
        entries.push({
          index,
          server,
          driver,
          close,
          measuredMs: 0,
          serverCpuMicros: 0,
          serverWallMs: 0,
          generatorCpuMicros: 0,
          machineTasksMs: 0,
          machineIrqMs: 0,
        });
      } catch (err) {
        server?.kill();
        results[index] = err instanceof Error ? err : new Error(String(err));
      }
    }

    for (const e of entries) {
      e.driver.start();
      await sleep(config.warmupS * 1000);
      await e.driver.stop();
    }

    const slices = Math.max(1, Math.round(config.durationS / config.sliceS));
    const sliceMs = (config.durationS * 1000) / slices;
    for (let round = 0; round < slices; round++) {
      if (together) await measureSlice(entries, sliceMs);
      else {
        for (let i = 0; i < entries.length; i++) {
          await measureSlice([entries[(round + i) % entries.length] as Entry], sliceMs);
        }
      }
    }

    for (const e of entries) {
      const r = e.driver.result();
      const seconds = e.measuredMs / 1000;
      const serverMs = e.serverCpuMicros / 1000;
      const generatorMs = e.generatorCpuMicros / 1000;
      const otherMs = e.machineTasksMs - serverMs - generatorMs;
      results[e.index] = {
        value: r.count / seconds,
        p50Ms: r.p50Ms,
        p99Ms: r.p99Ms,
        // Server CPU per operation barely depends on waiting or on other
        // processes, so its ratio is the steadier one on a shared machine.
        secondary: {
          label: 'srv cpu',
          value: r.count > 0 ? e.serverCpuMicros / r.count : Number.NaN,
          format: (us) => `${us.toFixed(us < 100 ? 1 : 0)} µs/op`,
        },
        notes: [
          `cpu srv ${formatPercent(serverMs / e.serverWallMs)} gen ${formatPercent(generatorMs / e.measuredMs)} other ${formatPercent(Math.max(0, otherMs) / e.measuredMs)} irq ${formatPercent(e.machineIrqMs / e.measuredMs)}`,
          `${r.count} ${spec.countLabel} in ${slices} x ${(sliceMs / 1000).toFixed(1)} s`,
          ...r.notes,
        ],
        warnings: r.warnings,
      };
    }
  } finally {
    for (const e of entries) e.close();
    await Promise.all(entries.map((e) => e.server.stop()));
  }
  return results;
}
