/**
 * How often the machine stops a core that has work to do. A process spins
 * on the core, reading the clock, and counts the gaps between two reads: on
 * a VM the host takes a vCPU away for milliseconds at a time, and this
 * guest's steal time does not always show it. Every process on that core
 * stands still as long, so a message in flight waits as long: a latency
 * tail of a few ms can be the machine's and not the code's. The cross-node
 * scenario probes the servers' core just before each of its latency rows
 * (BENCHMARKS.md, "Cross-node").
 */
import { type ChildProcess, spawn } from 'node:child_process';

/** How long the bench's probes spin (s): before the run on each core, before each cross-node latency row. */
export const STALL_PROBE_S = 2;

export interface Stalls {
  /** How long the probe spun (s). */
  readonly seconds: number;
  /** Gaps of 5 ms or more between two reads of the clock. */
  readonly over5: number;
  /** Of those, 10 ms or more. */
  readonly over10: number;
  /** The longest gap (ms). */
  readonly longestMs: number;
}

/**
 * The spinning child: `node -e SPIN <seconds>` says on stderr when it starts
 * spinning, and prints its Stalls as JSON on stdout at the end.
 */
const SPIN = `
const { performance } = require('node:perf_hooks');
const seconds = Number(process.argv[1]);
process.stderr.write('spinning\\n');
const end = performance.now() + seconds * 1000;
let last = performance.now(), over5 = 0, over10 = 0, longestMs = 0;
while (last < end) {
  const now = performance.now();
  const gap = now - last;
  if (gap >= 5) { over5++; if (gap >= 10) over10++; if (gap > longestMs) longestMs = gap; }
  last = now;
}
process.stdout.write(JSON.stringify({ seconds, over5, over10, longestMs }));
`;

/**
 * Spins `seconds` on `cpu` (anywhere when undefined) and resolves with the
 * gaps seen; undefined when the probe could not run. `started` gets the
 * child process (its stderr says `spinning` when the loop starts; a test
 * stops it then, to see the stall counted).
 */
export function stallsOn(
  cpu: number | undefined,
  seconds: number,
  started?: (child: ChildProcess) => void,
): Promise<Stalls | undefined> {
  const node = ['-e', SPIN, String(seconds)];
  const stdio: ['ignore', 'pipe', 'pipe'] = ['ignore', 'pipe', 'pipe'];
  const child =
    cpu === undefined
      ? spawn(process.execPath, node, { stdio })
      : spawn('taskset', ['-c', String(cpu), process.execPath, ...node], { stdio });
  started?.(child);
  return new Promise((resolve) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.once('error', () => resolve(undefined));
    child.once('close', (code) => {
      if (code !== 0) return resolve(undefined);
      try {
        resolve(JSON.parse(out) as Stalls);
      } catch {
        resolve(undefined);
      }
    });
  });
}

/** `<where> spun 2 s just before: 7 stalls >= 5 ms (2 >= 10 ms), longest 12.5 ms`. */
export function describeStalls(where: string, stalls: Stalls | undefined): string {
  if (stalls === undefined) return `${where}: stall probe failed`;
  const { seconds, over5, over10, longestMs } = stalls;
  if (over5 === 0) return `${where} spun ${seconds} s just before: no stall >= 5 ms`;
  return `${where} spun ${seconds} s just before: ${over5} stalls >= 5 ms (${over10} >= 10 ms), longest ${longestMs.toFixed(1)} ms`;
}
