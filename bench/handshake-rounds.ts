/**
 * `npm run bench:handshake-rounds -- [--node <path>] <server>...`: server CPU
 * per open+close (JWT at connect, the handshake scenario's lean client, 16
 * loops), in rounds that alternate the servers, each server's figure divided
 * by the first server's in the same round; medians of the rounds. Steadier
 * than one `--only handshake` run on a noisy VM, where a server's CPU per
 * open+close moves by 2x from one minute to the next.
 *
 * A server is a kind (`raw`, `nest`, `socketio`, `module`), optionally
 * `+aged`: after its warm-up it goes through AGE_CYCLES (default 5) rounds
 * of full garbage collections taken while idle, each followed by 300
 * open+close, as a long-running server goes through quiet hours. Naming a
 * kind twice gives an A/A control. Example, the run behind BENCHMARKS.md
 * ("Aged processes"):
 *
 *   npm run bench:handshake-rounds -- --node <node 24> raw raw+aged raw module module+aged
 *
 * ROUNDS (default 40) rounds of ROUND (default 1,500) open+close per server.
 */
import { performance } from 'node:perf_hooks';
import { leanHandshake, upgradeRequest } from './lib/lean-handshake.js';
import { type ServerKind, WS_PATH } from './lib/protocol.js';
import { ServerProcess } from './lib/server-process.js';
import { median } from './lib/stats.js';
import { pinSelf } from './lib/system.js';
import { benchToken } from './servers/session.js';

const ROUNDS = Number(process.env.ROUNDS ?? 40);
const ROUND = Number(process.env.ROUND ?? 1_500);
const AGE_CYCLES = Number(process.env.AGE_CYCLES ?? 5);
const LOOPS = 16;
/** The servers' core, and the generator's (this process): as the bench pins them. */
const SERVER_CPU = 1;
const GENERATOR_CPU = 0;

interface Measured {
  readonly name: string;
  readonly server: ServerProcess;
  readonly request: Buffer;
  readonly microsPerCycle: number[];
}

function parseArgs(argv: string[]): { node: string | undefined; names: string[] } {
  const names: string[] = [];
  let node: string | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--node') {
      i += 1;
      node = argv[i];
    } else names.push(argv[i] as string);
  }
  if (names.length === 0) throw new Error('name the servers: raw raw+aged module ...');
  return { node, names };
}

/** `cycles` open+close over LOOPS loops; resolves with how many succeeded. */
async function openAndClose(target: Measured, cycles: number): Promise<number> {
  let left = cycles;
  let ok = 0;
  const loop = async (): Promise<void> => {
    while (left > 0) {
      left -= 1;
      const outcome = await leanHandshake(target.server.port, target.request);
      if (outcome.ok) ok += 1;
    }
  };
  await Promise.all(Array.from({ length: LOOPS }, loop));
  return ok;
}

async function start(name: string, node: string | undefined): Promise<Measured> {
  const [kind, variant] = name.split('+') as [ServerKind, string | undefined];
  const server = await ServerProcess.start(kind, { auth: true, cpu: SERVER_CPU, node });
  const headers = { Authorization: `Bearer ${benchToken()}` };
  const request = upgradeRequest({ port: server.port, path: WS_PATH, headers });
  const measured: Measured = { name, server, request, microsPerCycle: [] };
  await openAndClose(measured, 2_000);
  if (variant === 'aged') {
    for (let cycle = 0; cycle < AGE_CYCLES; cycle += 1) {
      await server.memory(true);
      await openAndClose(measured, 300);
    }
  }
  return measured;
}

async function main(): Promise<void> {
  const { node, names } = parseArgs(process.argv.slice(2));
  if (!pinSelf(GENERATOR_CPU))
    process.stderr.write('taskset missing: the generator is not pinned\n');
  const servers: Measured[] = [];
  try {
    for (const name of names) servers.push(await start(name, node));
    const started = performance.now();
    for (let round = 0; round < ROUNDS; round += 1) {
      for (let i = 0; i < servers.length; i += 1) {
        const target = servers[(round + i) % servers.length] as Measured;
        const before = await target.server.cpu();
        const ok = await openAndClose(target, ROUND);
        const after = await target.server.cpu();
        if (ok === 0) throw new Error(`${target.name}: no open+close succeeded in round ${round}`);
        target.microsPerCycle.push((after.cpuMicros - before.cpuMicros) / ok);
      }
    }
    const base = servers[0] as Measured;
    const seconds = ((performance.now() - started) / 1000).toFixed(0);
    process.stdout.write(`${ROUNDS} rounds of ${ROUND} open+close per server, ${seconds} s\n`);
    for (const s of servers) {
      const ratios = s.microsPerCycle.map((us, i) => us / (base.microsPerCycle[i] as number));
      process.stdout.write(
        `${s.name.padEnd(14)} ${median(s.microsPerCycle).toFixed(0).padStart(5)} µs per open+close; ` +
          `${median(ratios).toFixed(3)}x ${base.name}'s (rounds ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)})\n`,
      );
    }
  } finally {
    await Promise.all(servers.map((s) => s.server.stop()));
  }
}

await main();
