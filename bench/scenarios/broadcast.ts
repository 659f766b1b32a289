/**
 * (5) Broadcast to `members` (10k) connections: every member joins the room
 * `all` (`room.join`, answered), then one member sends
 * `{"event":"broadcast","data":{"room":"all",...}}`, the server sends one
 * frame to every member, and the time until the last member has it is
 * measured. Raw ws and stock Nest keep a Set of sockets per room and loop
 * over it with one serialization; the module uses WsRooms.join / WsRooms.send
 * (one serialization, through its in-memory bus). 2 warm-up rounds, then
 * `rounds` measured ones.
 *
 * Every server keeps its members connected at once, each set held by its own
 * generator process (lib/broadcast-worker.ts, pinned to the generator's core),
 * and the rounds alternate between the servers, like the slices of the rate
 * scenarios.
 *
 * result: median over rounds of the time to the last member; p50 / p99:
 * medians over rounds of the time until half / 99% of the members had it.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RoundResult, WorkerReply, WorkerRequest } from '../lib/broadcast-worker.js';
import { formatMs, formatPercent } from '../lib/format.js';
import type { ServerKind } from '../lib/protocol.js';
import {
  type Measurement,
  ratioAtMost,
  type Scenario,
  type ScenarioContext,
  startServer,
} from '../lib/scenario.js';
import type { ServerProcess } from '../lib/server-process.js';
import { median, sleep } from '../lib/stats.js';

const WARM_UP_ROUNDS = 2;
const ROUND_TIMEOUT_MS = 10_000;
const PAUSE_MS = 50;
const WORKER = fileURLToPath(new URL('../lib/broadcast-worker.js', import.meta.url));

/** One server and the generator process that holds its members. */
class Members {
  readonly times: number[] = [];
  readonly p50s: number[] = [];
  readonly p99s: number[] = [];
  readonly warnings: string[] = [];
  private cpuMicros = 0;
  private serverCpuMicros = 0;
  private failed = false;

  private constructor(
    readonly kind: ServerKind,
    readonly server: ServerProcess,
    private readonly worker: ChildProcess,
    private readonly members: number,
  ) {}

  static async open(ctx: ScenarioContext, kind: ServerKind): Promise<Members> {
    const server = await startServer(ctx, kind, { auth: false });
    const generatorCpu = ctx.serverCpu === undefined ? undefined : 1 - ctx.serverCpu;
    const worker = fork(WORKER, [], {
      execPath: generatorCpu === undefined ? process.execPath : 'taskset',
      execArgv: generatorCpu === undefined ? [] : ['-c', String(generatorCpu), process.execPath],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const members = new Members(kind, server, worker, ctx.config.members);
    const opened = await members.request({
      type: 'open',
      url: server.url,
      kind,
      members: members.members,
    });
    if (!opened.ok) {
      worker.kill();
      server.kill();
      throw new Error('error' in opened ? opened.error : 'could not open the members');
    }
    return members;
  }

  private request(message: WorkerRequest): Promise<WorkerReply> {
    return new Promise((resolve, reject) => {
      const onExit = () => reject(new Error('broadcast worker exited'));
      this.worker.once('exit', onExit);
      this.worker.once('message', (reply) => {
        this.worker.off('exit', onExit);
        resolve(reply as WorkerReply);
      });
      this.worker.send(message);
    });
  }

  async round(round: number): Promise<void> {
    if (this.failed) return;
    const cpu0 = await this.server.cpu();
    const result = (await this.request({
      type: 'round',
      round,
      timeoutMs: ROUND_TIMEOUT_MS,
    })) as RoundResult | { ok: false; error: string };
    const cpu1 = await this.server.cpu();
    if (!result.ok) {
      this.warnings.push(
        'missing' in result
          ? `round ${round}: ${result.missing} members missed it`
          : `round ${round}: ${result.error}`,
      );
      this.failed = true;
    } else if (round >= WARM_UP_ROUNDS) {
      this.times.push(result.maxMs);
      this.p50s.push(result.p50Ms);
      this.p99s.push(result.p99Ms);
      this.cpuMicros += result.cpuMicros;
      this.serverCpuMicros += cpu1.cpuMicros - cpu0.cpuMicros;
    }
  }

  measurement(): Measurement {
    const deliveringMs = this.times.reduce((a, b) => a + b, 0);
    return {
      value: median(this.times),
      p50Ms: median(this.p50s),
      p99Ms: median(this.p99s),
      secondary: {
        label: 'srv cpu',
        value: this.serverCpuMicros / this.times.length / 1000,
        format: (ms) => `${ms.toFixed(1)} ms/broadcast`,
      },
      notes: [
        `gen cpu ${formatPercent(this.cpuMicros / 1000 / deliveringMs)} while delivering`,
        `${this.members} members, ${this.times.length} rounds, fastest ${formatMs(Math.min(...this.times))}`,
      ],
      warnings: this.warnings,
    };
  }

  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.worker.once('exit', resolve));
    if (this.worker.connected) this.worker.send({ type: 'close' } satisfies WorkerRequest);
    else this.worker.kill();
    await exited;
    await this.server.stop();
  }
}

async function runAll(
  ctx: ScenarioContext,
  kinds: ServerKind[],
): Promise<Map<ServerKind, Measurement | Error>> {
  const results = new Map<ServerKind, Measurement | Error>();
  const all: Members[] = [];
  try {
    for (const kind of kinds) {
      try {
        all.push(await Members.open(ctx, kind));
      } catch (err) {
        results.set(kind, err instanceof Error ? err : new Error(String(err)));
      }
    }
    await sleep(500);
    for (let r = 0; r < WARM_UP_ROUNDS + ctx.config.rounds; r++) {
      for (let i = 0; i < all.length; i++) {
        await (all[(r + i) % all.length] as Members).round(r);
        await sleep(PAUSE_MS);
      }
    }
    for (const members of all) results.set(members.kind, members.measurement());
  } finally {
    await Promise.all(all.map((m) => m.close()));
  }
  return results;
}

export const broadcast: Scenario = {
  number: 5,
  id: 'broadcast',
  title: 'broadcast to all members',
  metric: { unit: 'to all', format: (v) => `${formatMs(v)} to all`, higherIsBetter: false },
  latency: 'time until 50% / 99% of members had it',
  target: ratioAtMost(1),
  runAll,
};
