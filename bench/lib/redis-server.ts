/**
 * Redis for the cross-node scenario: the test kit's `RedisServer` (free
 * loopback port, no persistence), pinned to the servers' core, and the CPU it
 * used.
 */
import { readFileSync } from 'node:fs';

export { RedisServer } from '../../src/testing/redis-server.js';

/** CPU (user + system) a process has used so far, in µs; undefined when unreadable. */
export function processCpuMicros(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks * 10_000 : undefined; // USER_HZ is 100
  } catch {
    return undefined;
  }
}
