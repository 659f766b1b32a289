/**
 * What a scenario is, what it measures, and the helpers they share.
 */
import type { BenchConfig } from './cli.js';
import type { ServerKind, ServerOptions } from './protocol.js';
import { ServerProcess } from './server-process.js';

export interface Measurement {
  /** The scenario's headline number (see `Scenario.metric`). */
  value: number;
  /** Latency percentiles in ms, when the scenario has a latency distribution. */
  p50Ms?: number;
  p99Ms?: number;
  notes: string[];
  /** A second number worth a ratio to raw ws, shown first in the notes (e.g. heap per connection). */
  secondary?: { label: string; value: number; format: (value: number) => string };
  /** Numbers a target needs besides the headline one (e.g. bytes pushed). */
  facts?: Record<string, number>;
  /**
   * More rows of the same server under the scenario's row (e.g. a baseline
   * run of the same server), shown without a target.
   */
  extraRows?: { label: string; measurement: Measurement }[];
  /** Set when the numbers must not be trusted (errors, lost replies ...). */
  warnings: string[];
}

export interface Target {
  /** e.g. ">= 0.85x" */
  label: string;
  /** undefined when it cannot be decided (e.g. no raw result to compare with). */
  pass(m: Measurement, raw: Measurement | undefined): boolean | undefined;
  /** The number compared with the target, for the target cell (e.g. "0.847x"). */
  actual?(m: Measurement, raw: Measurement | undefined): string | undefined;
  /**
   * The same target applied to the secondary number (server CPU per
   * operation, as capacity = raw CPU / this CPU), when both have one.
   */
  bySecondary?(
    m: Measurement,
    raw: Measurement | undefined,
  ): { ratio: number; pass: boolean } | undefined;
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
  /** The headline number has no meaningful ratio to raw ws (e.g. a growth). */
  noRatio?: boolean;
  /**
   * The number that says whether the module is ahead of stock Nest and
   * Socket.IO (default: the headline number, as `metric.higherIsBetter` says).
   */
  ahead?: { of: (m: Measurement) => number | undefined; higherIsBetter: boolean };
  /**
   * Rate scenarios: all servers run side by side and are measured in
   * alternating slices (see lib/interleave.ts). Used instead of `run`.
   */
  interleaved?: InterleavedSpec;
  /** Scenarios that drive every server themselves (e.g. alternating rounds). */
  runAll?: (
    ctx: ScenarioContext,
    kinds: ServerKind[],
  ) => Promise<Map<ServerKind, Measurement | Error>>;
  /**
   * Scenarios only some servers can run (e.g. cross-node: only the module
   * has rooms across nodes); the others are shown as n/a with `reason`.
   */
  onlyFor?: { kinds: ServerKind[]; reason: string };
  /** Set for scenarios that are stubs: printed instead of running anything. */
  notMeasured?: string;
  /** Debian packages of the programs the scenario runs (installed before the run when missing). */
  packages?: readonly string[];
  run?: (ctx: ScenarioContext, kind: ServerKind) => Promise<Measurement>;
}

export interface DriverResult {
  count: number;
  p50Ms: number;
  p99Ms: number;
  notes: string[];
  warnings: string[];
}

/** A load that can be switched on and off over the same server. */
export interface Driver {
  start(): void;
  beginMeasure(): void;
  endMeasure(): void;
  /** Stops the load and waits (bounded) until nothing is in flight. */
  stop(): Promise<void>;
  result(): DriverResult;
}

/**
 * One more server measured in the same interleaved slices as the others: a
 * `kind` started with other options (e.g. the module with tracing on), shown
 * under that kind's row.
 */
export interface ServerVariant {
  kind: ServerKind;
  label: string;
  options: Omit<ServerOptions, 'auth'>;
}

export interface InterleavedSpec {
  auth: boolean;
  /** Extra servers for this run (e.g. `--tracing`'s module variants). */
  variants?: (config: BenchConfig) => ServerVariant[];
  /**
   * Puts the variants' results where they belong (the kind's `extraRows`,
   * with whatever they are compared with), once all are measured.
   */
  attachVariants?: (
    results: Map<ServerKind, Measurement | Error>,
    variants: { variant: ServerVariant; result: Measurement | Error }[],
  ) => void;
  /**
   * More measurements once the run's servers are stopped, added to its
   * results (e.g. `--tracing-pairs`: fresh pairs of module processes).
   */
  thenMeasure?: (
    ctx: ScenarioContext,
    results: Map<ServerKind, Measurement | Error>,
  ) => Promise<void>;
  /** What `count` counts, for the notes ("replies", "open+close"). */
  countLabel: string;
  open(ctx: ScenarioContext, server: ServerProcess): Promise<{ driver: Driver; close(): void }>;
}

export interface ScenarioContext {
  config: BenchConfig;
  /** Core the servers are pinned to, undefined when not pinning. */
  serverCpu: number | undefined;
  /** Where servers write CPU profiles with --profile (one directory per scenario). */
  profileDir: string;
  log: (line: string) => void;
}

export function ratio(m: Measurement, raw: Measurement | undefined): number | undefined {
  if (!raw || !Number.isFinite(raw.value) || raw.value === 0 || !Number.isFinite(m.value)) {
    return undefined;
  }
  return m.value / raw.value;
}

function exactRatio(m: Measurement, raw: Measurement | undefined): string | undefined {
  const r = ratio(m, raw);
  return r === undefined ? undefined : `${r.toFixed(3)}x`;
}

export function ratioAtLeast(min: number): Target {
  return {
    label: `>= ${min.toFixed(2)}x`,
    actual: exactRatio,
    pass: (m, raw) => {
      const r = ratio(m, raw);
      return r === undefined ? undefined : r >= min;
    },
    bySecondary: (m, raw) => {
      const mine = m.secondary?.value;
      const base = raw?.secondary?.value;
      if (mine === undefined || base === undefined || !(mine > 0) || !(base > 0)) return undefined;
      // A server that needs twice the CPU per operation has half the capacity.
      const capacity = base / mine;
      return { ratio: capacity, pass: capacity >= min };
    },
  };
}

export function ratioAtMost(max: number): Target {
  return {
    label: `<= ${max.toFixed(max % 1 === 0 ? 0 : 1)}x`,
    actual: exactRatio,
    pass: (m, raw) => {
      const r = ratio(m, raw);
      return r === undefined ? undefined : r <= max;
    },
  };
}

/** Starts a server the way the run asks for (core pinning, CPU profile). */
export function startServer(
  ctx: ScenarioContext,
  kind: ServerKind,
  options: ServerOptions,
): Promise<ServerProcess> {
  return ServerProcess.start(kind, {
    ...options,
    cpu: ctx.serverCpu,
    profileDir: ctx.config.profile ? ctx.profileDir : undefined,
    node: ctx.config.node,
  });
}

/** Starts a server, runs `fn`, always stops (or kills) the server. */
export async function withServer<T>(
  ctx: ScenarioContext,
  kind: ServerKind,
  options: { auth: boolean },
  fn: (server: ServerProcess) => Promise<T>,
): Promise<T> {
  const server = await startServer(ctx, kind, options);
  try {
    return await fn(server);
  } catch (err) {
    server.kill();
    throw err;
  } finally {
    await server.stop();
  }
}
