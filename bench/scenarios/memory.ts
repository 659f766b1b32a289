/**
 * (4) Memory per idle authenticated connection: open `members` (10k)
 * connections, each with a JWT verified at connect, let them
 * sit, and divide the server's RSS / heap growth by their number. The server
 * reports process.memoryUsage() over IPC after forced GCs (--expose-gc) and
 * V8's last-resort collection, which gives back the young generation's pages
 * as V8's memory reducer does in an idle process (since session 15): before,
 * each sample kept the young generation at the size the connects had grown
 * it to, which moved with the order they opened in (BENCHMARKS.md, Memory).
 * Its size before each last-resort collection is in the notes.
 *
 * Before the baseline, a few hundred connections are opened and closed once,
 * so that code loaded and compiled on first use is not charged to the
 * connections. With --profile, heap snapshots before and after are written
 * next to the CPU profiles (`node build/bench/heap-diff.js before after`).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { closeAll, openMany } from '../lib/client.js';
import { formatBytes } from '../lib/format.js';
import type { MemorySample, ServerKind } from '../lib/protocol.js';
import {
  type Measurement,
  ratioAtMost,
  type Scenario,
  type ScenarioContext,
  withServer,
} from '../lib/scenario.js';
import { sleep } from '../lib/stats.js';
import { userToken } from '../servers/session.js';

const WARM_UP_CONNECTIONS = 256;

function perConnection(before: MemorySample, after: MemorySample, n: number) {
  return {
    rss: (after.rss - before.rss) / n,
    heap: (after.heapUsed - before.heapUsed) / n,
  };
}

/** The growth of each kind of mapping that grew or shrank, e.g. `anon +32.0 MiB, [heap] +6.1 MiB`. */
function mappingGrowth(before: MemorySample, after: MemorySample): string {
  const grown = Object.entries(after.mappings ?? {})
    .map(([kind, bytes]) => [kind, bytes - (before.mappings?.[kind] ?? 0)] as const)
    .filter(([, bytes]) => bytes !== 0);
  if (grown.length === 0) return 'unknown';
  return grown
    .map(([kind, bytes]) => `${kind} ${bytes < 0 ? '-' : '+'}${formatBytes(Math.abs(bytes))}`)
    .join(', ');
}

async function run(ctx: ScenarioContext, kind: ServerKind): Promise<Measurement> {
  const n = ctx.config.members;
  // Authenticated: every connection carries an HS256 JWT verified at connect
  // and keeps its session, as in production: each of its own user and token
  // id (since session 20; one bench user before).
  const token = userToken;
  return withServer(ctx, kind, { auth: true }, async (server) => {
    closeAll(await openMany(server, WARM_UP_CONNECTIONS, { token }));
    await sleep(500);
    if (ctx.config.profile) mkdirSync(join(ctx.profileDir, kind), { recursive: true });
    const snapshot = (name: string) =>
      ctx.config.profile
        ? server.heapSnapshot(join(ctx.profileDir, kind, `${name}.heapsnapshot`))
        : Promise.resolve();
    await snapshot('before');
    const idleYoung = (await server.memory(true)).newSpace;
    const before = await server.memory(true, true);
    const sockets = await openMany(server, n, { concurrency: 64, token });
    try {
      await sleep(1000);
      const stats = await server.stats();
      const grownYoung = (await server.memory(true)).newSpace;
      const after = await server.memory(true, true);
      await snapshot('after');
      const per = perConnection(before, after, n);
      const warnings: string[] = [];
      if (stats && stats.clients !== n) warnings.push(`server sees ${stats.clients} of ${n}`);
      return {
        value: per.rss,
        secondary: { label: 'heap', value: per.heap, format: (v) => `${formatBytes(v)}/conn` },
        notes: [
          `${n} conns: RSS +${formatBytes(after.rss - before.rss)}`,
          // RSS beyond the heap: V8's committed pages (heap total) and buffers.
          `heap total +${formatBytes(after.heapTotal - before.heapTotal)}, external +${formatBytes(after.external - before.external)}`,
          // What each sample leaves out: the young generation V8 gave back.
          // RSS by kind of mapping: `[heap]` is malloc's main arena (native per-socket state).
          `RSS by mapping ${mappingGrowth(before, after)}`,
          `young generation given back before each sample ${formatBytes(idleYoung)} idle, ${formatBytes(grownYoung)} with the connections`,
        ],
        warnings,
      };
    } finally {
      closeAll(sockets);
    }
  });
}

export const memory: Scenario = {
  number: 4,
  id: 'memory',
  title: 'memory per idle authenticated connection',
  metric: {
    unit: 'RSS/conn',
    format: (v) => `${formatBytes(v)} RSS/conn`,
    higherIsBetter: false,
  },
  target: ratioAtMost(1.1),
  run,
};
