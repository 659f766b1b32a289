/**
 * `npm run bench`: runs every scenario against raw ws, a stock Nest gateway
 * and this module's gateway (each server in its own forked process), then
 * prints one comparison table.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { renderCapacity } from './lib/capacity.js';
import { type BenchConfig, parseArgs, USAGE } from './lib/cli.js';
import { SOURCE_ADDRESSES } from './lib/client.js';
import { runInterleaved } from './lib/interleave.js';
import { SERVER_LABELS, type ServerKind } from './lib/protocol.js';
import type { Measurement, ScenarioContext } from './lib/scenario.js';
import { serverAvailable } from './lib/server-process.js';
import { describeStalls, STALL_PROBE_S, stallsOn } from './lib/stall-probe.js';
import { sleep } from './lib/stats.js';
import { ensureFdLimit, installPackages, machineCpu, machineInfo, pinSelf } from './lib/system.js';
import { type Outcome, type ResultRow, renderTable } from './lib/table.js';
import { SCENARIOS } from './scenarios/index.js';

const log = (line: string) => process.stderr.write(`${line}\n`);

function describe(config: BenchConfig): string {
  return [
    `duration ${config.durationS} s + ${config.warmupS} s warm-up (rate scenarios in ${config.sliceS} s slices alternating servers)`,
    `${config.connections} connections x window ${config.window}`,
    `${config.members} members`,
    `${config.handshakeConcurrency} handshake loops`,
    `${config.rounds} broadcast rounds`,
    `cross-node at ${config.rate === undefined ? 'the rate that loads node A to half a core' : `${config.rate} msg/s`}`,
  ].join(', ');
}

/** CPU used by everything but this process over `ms`, as a fraction of one core. */
async function otherCpuUse(ms: number): Promise<number | undefined> {
  const machine0 = machineCpu();
  const own0 = process.cpuUsage();
  await sleep(ms);
  const machine1 = machineCpu();
  const own = process.cpuUsage(own0);
  if (!machine0 || !machine1) return undefined;
  return Math.max(0, machine1.tasksMs - machine0.tasksMs - (own.user + own.system) / 1000) / ms;
}

function toOutcome(result: Measurement | Error): Outcome {
  return result instanceof Error
    ? { status: 'error', reason: result.message }
    : { status: 'ok', measurement: result };
}

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(process.argv.slice(2));
  } catch (err) {
    log(err instanceof Error ? err.message : String(err));
    return 2;
  }
  if (parsed === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const config = parsed;
  const known = new Set(SCENARIOS.map((s) => s.id));
  for (const id of config.only ?? []) {
    if (!known.has(id)) {
      log(`unknown scenario "${id}" (known: ${[...known].join(', ')})`);
      return 2;
    }
  }
  const scenarios = SCENARIOS.filter((s) => !config.only || config.only.includes(s.id));

  const machine = machineInfo();
  let serverNode = process.version;
  if (config.node) {
    try {
      serverNode = execFileSync(config.node, ['-v'], { encoding: 'utf8' }).trim();
    } catch (err) {
      log(
        `--node ${config.node}: cannot run it (${err instanceof Error ? err.message : String(err)})`,
      );
      return 2;
    }
  }
  installPackages([...new Set(scenarios.flatMap((s) => s.packages ?? []))]);
  // Client and server each hold up to `members` sockets, plus headroom.
  const limits = ensureFdLimit(config.members + 2048);
  let serverCpu: number | undefined;
  if (config.pin && machine.cores >= 2 && pinSelf(0)) serverCpu = 1;
  const placement =
    serverCpu === undefined
      ? 'not pinned (OS schedules generator and server)'
      : 'generator pinned to cpu 0, servers to cpu 1';

  log(
    `machine: ${machine.cores} cores, ${machine.cpuModel}, ${machine.memoryGiB} GiB, generator on node ${machine.node}, servers on node ${serverNode}`,
  );
  log(`config: ${describe(config)}`);
  log(`limits: ${limits}; ${placement}; client source addresses 127.0.0.2-${1 + SOURCE_ADDRESSES}`);

  const idle = await otherCpuUse(1000);
  const quiet =
    idle === undefined
      ? 'machine load before the run unknown'
      : `other processes used ${Math.round(idle * 100)}% of a core just before the run`;
  log(`${quiet}${idle !== undefined && idle > 0.15 ? ' (NOT idle: expect noisy numbers)' : ''}`);
  // How often the machine stops a busy core (lib/stall-probe.ts): tails of a few ms follow it.
  const cores = serverCpu === undefined ? [undefined] : [0, serverCpu];
  const stalls = await Promise.all(cores.map((cpu) => stallsOn(cpu, STALL_PROBE_S)));
  const machineStalls = `machine stalls: ${cores.map((cpu, i) => describeStalls(cpu === undefined ? 'a core' : `cpu ${cpu}`, stalls[i])).join('; ')}`;
  log(machineStalls);

  const profiles = fileURLToPath(new URL('./profiles/', import.meta.url));
  const ctx: ScenarioContext = { config, serverCpu, log, profileDir: profiles };
  const rows: ResultRow[] = [];
  const started = performance.now();
  for (const scenario of scenarios) {
    const runnable = config.servers.filter(
      (kind) =>
        serverAvailable(kind) && (!scenario.onlyFor || scenario.onlyFor.kinds.includes(kind)),
    );
    ctx.profileDir = join(profiles, scenario.id);
    const outcomes = new Map<ServerKind, Outcome>();
    const t0 = performance.now();
    if (scenario.notMeasured) {
      for (const kind of config.servers) {
        outcomes.set(kind, { status: 'not measured', reason: scenario.notMeasured });
      }
    } else if (scenario.interleaved) {
      log(`(${scenario.number}) ${scenario.id}: ${runnable.join(', ')} interleaved ...`);
      const results = await runInterleaved(ctx, runnable, scenario.interleaved);
      for (const [kind, result] of results) outcomes.set(kind, toOutcome(result));
    } else if (scenario.runAll) {
      log(`(${scenario.number}) ${scenario.id}: ${runnable.join(', ')} ...`);
      const results = await scenario.runAll(ctx, runnable);
      for (const [kind, result] of results) outcomes.set(kind, toOutcome(result));
    } else if (scenario.run) {
      for (const kind of runnable) {
        log(`(${scenario.number}) ${scenario.id}: ${kind} ...`);
        try {
          outcomes.set(kind, toOutcome(await scenario.run(ctx, kind)));
        } catch (err) {
          outcomes.set(kind, toOutcome(err instanceof Error ? err : new Error(String(err))));
        }
      }
    }
    for (const kind of config.servers) {
      const outcome: Outcome = outcomes.get(kind) ?? {
        status: 'n/a',
        reason:
          scenario.onlyFor && !scenario.onlyFor.kinds.includes(kind)
            ? scenario.onlyFor.reason
            : 'module gateway not available yet',
      };
      rows.push({ scenario, kind, outcome });
      if (outcome.status === 'ok') {
        log(`  ${SERVER_LABELS[kind]}: ${scenario.metric.format(outcome.measurement.value)}`);
      } else if (outcome.status === 'error') {
        log(`  ${SERVER_LABELS[kind]}: ERROR ${outcome.reason}`);
      }
    }
    log(`  (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
  const elapsed = (performance.now() - started) / 1000;

  const out: string[] = [
    '',
    `nestjs-secure-ws benchmark: ${machine.cores} cores (${machine.cpuModel}), servers on node ${serverNode} (generator on ${machine.node})`,
    `${describe(config)}; ${placement}; ${quiet}`,
    machineStalls,
    '',
    renderTable(rows),
    '',
    'vs raw: ratio to raw ws in the same run (throughput: higher is better; latency, memory, time: lower is better).',
    'p50/p99: ' +
      scenarios
        .filter((s) => s.latency)
        .map((s) => `(${s.number}) ${s.latency}`)
        .join('; '),
    'srv cpu: server CPU per message / handshake / broadcast, with its ratio to raw ws (steadier than rates on a',
    'shared machine). target "by cpu": the target applied to capacity = raw CPU per op / this CPU per op, which is',
    'what the rate ratio would be if both servers were CPU-bound; when the server is not saturated (cpu srv well',
    'under 100%), the rate ratio understates the overhead and "by cpu" is the better guide.',
    'cpu srv/gen/other/irq: CPU of the server / of the load generator / of other processes / of interrupt work',
    '(loopback TCP) over the measurement, in % of one core. A generator near 100% means the generator, not the',
    'server, may be the limit; a high "other" means the machine was shared with other work.',
    '',
    'Capacity of one core of this machine (server CPU per operation above -> operations per second of one',
    'core, each alone; idle connections: RSS per connection -> connections per GiB):',
    '',
    renderCapacity(rows, config.servers, config.members),
    '',
    `total ${elapsed.toFixed(0)} s`,
    '',
  ];
  process.stdout.write(out.join('\n'));

  if (config.json) {
    const data = {
      machine: { ...machine, serverNode },
      config,
      placement,
      rows: rows.map((r) => ({ scenario: r.scenario.id, server: r.kind, ...r.outcome })),
    };
    writeFileSync(config.json, `${JSON.stringify(data, null, 2)}\n`);
  }
  return rows.some((r) => r.outcome.status === 'error') ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    log(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exitCode = 1;
  },
);
