/**
 * What a scenario is, what it measures, and the helpers they share.
 */
import type { WebSocket } from 'ws';
import type { BenchConfig } from './cli.js';
import { closeAll, openMany } from './client.js';
import { type LoadOptions, runLoad } from './load.js';
import type { CpuSample, ServerKind } from './protocol.js';
import { cpuFraction, ServerProcess } from './server-process.js';

export interface Measurement {
  /** The scenario's headline number (see `Scenario.metric`). */
  value: number;
  /** Latency percentiles in ms, when the scenario has a latency distribution. */
  p50Ms?: number;
  p99Ms?: number;
  notes: string[];
  /** Set when the numbers must not be trusted (errors, lost replies ...). */
  warnings: string[];
}

export interface Target {
  /** e.g. ">= 0.85x" */
  label: string;
  /** undefined when it cannot be decided (e.g. no raw result to compare with). */
  pass(m: Measurement, raw: Measurement | undefined): boolean | undefined;
}

export interface Scenario {
  number: number;
  id: string;
  title: string;
  metric: {
    /** Short label of the headline number, e.g. "msg/s". */
    unit: string;
    format: (value: number) => string;
    higherIsBetter: boolean;
  };
  /** What p50/p99 are percentiles of, e.g. "round trip". */
  latency?: string;
  target?: Target;
  /** Set for scenarios that are stubs: printed instead of running anything. */
  notMeasured?: string;
  run?: (ctx: ScenarioContext, kind: ServerKind) => Promise<Measurement>;
}

export interface ScenarioContext {
  config: BenchConfig;
  /** Core the servers are pinned to, undefined when not pinning. */
  serverCpu: number | undefined;
  log: (line: string) => void;
}

export function ratio(m: Measurement, raw: Measurement | undefined): number | undefined {
  if (!raw || !Number.isFinite(raw.value) || raw.value === 0 || !Number.isFinite(m.value)) {
    return undefined;
  }
  return m.value / raw.value;
}

export function ratioAtLeast(min: number): Target {
  return {
    label: `>= ${min.toFixed(2)}x`,
    pass: (m, raw) => {
      const r = ratio(m, raw);
      return r === undefined ? undefined : r >= min;
    },
  };
}

export function ratioAtMost(max: number): Target {
  return {
    label: `<= ${max.toFixed(max % 1 === 0 ? 0 : 1)}x`,
    pass: (m, raw) => {
      const r = ratio(m, raw);
      return r === undefined ? undefined : r <= max;
    },
  };
}

/** Starts a server, runs `fn`, always stops (or kills) the server. */
export async function withServer<T>(
  ctx: ScenarioContext,
  kind: ServerKind,
  options: { auth: boolean },
  fn: (server: ServerProcess) => Promise<T>,
): Promise<T> {
  const server = await ServerProcess.start(kind, { ...options, cpu: ctx.serverCpu });
  try {
    return await fn(server);
  } catch (err) {
    server.kill();
    throw err;
  } finally {
    await server.stop();
  }
}

export function formatPercent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

/**
 * The request/response measurement used by the echo and pipeline scenarios:
 * open the connections, run the windowed load, sample both processes' CPU.
 */
export async function requestResponse(
  ctx: ScenarioContext,
  server: ServerProcess,
  load: Pick<LoadOptions, 'frame' | 'replyEvent'>,
): Promise<Measurement> {
  const { config } = ctx;
  const sockets: WebSocket[] = await openMany(server.url, config.connections);
  try {
    let cpuStart: Promise<CpuSample> | undefined;
    let cpuEnd: Promise<CpuSample> | undefined;
    const result = await runLoad({
      sockets,
      window: config.window,
      warmupMs: config.warmupS * 1000,
      durationMs: config.durationS * 1000,
      ...load,
      onMeasureStart: () => {
        cpuStart = server.cpu();
      },
      onMeasureEnd: () => {
        cpuEnd = server.cpu();
      },
    });
    const serverCpu = cpuStart && cpuEnd ? cpuFraction(await cpuStart, await cpuEnd) : Number.NaN;
    const warnings: string[] = [];
    if (result.bad > 0) warnings.push(`${result.bad} wrong replies`);
    if (result.lost > 0) warnings.push(`${result.lost} replies missing`);
    if (result.replies === 0) warnings.push('no replies');
    return {
      value: result.rate,
      p50Ms: result.p50Ms,
      p99Ms: result.p99Ms,
      notes: [
        `cpu srv ${formatPercent(serverCpu)} gen ${formatPercent(result.generatorCpu)}`,
        `${result.replies} replies in ${result.seconds.toFixed(1)} s`,
      ],
      warnings,
    };
  } finally {
    closeAll(sockets);
  }
}
