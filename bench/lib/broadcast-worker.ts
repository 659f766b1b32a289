/**
 * A load-generator process holding the members of one server in the
 * broadcast scenario. With one process per server, every server can keep its
 * 10k members connected at once (a process may hold at most `ulimit -n`
 * sockets, 20000 here, and raising it needs privileges), so the rounds can
 * alternate between servers. Arrival times are taken in this process, on its
 * own clock.
 *
 * IPC: { type: 'open', url, members } -> { ok } ; { type: 'round', round } ->
 * RoundResult ; { type: 'close' } -> exits.
 */
import { performance } from 'node:perf_hooks';
import type { WebSocket } from 'ws';
import { closeAll, openMany } from './client.js';
import { dialectOf } from './dialect.js';
import { BROADCAST_ROOM } from './messages.js';
import type { ServerKind } from './protocol.js';
import { percentile } from './stats.js';

export type WorkerRequest =
  | { type: 'open'; url: string; kind: ServerKind; members: number }
  | { type: 'round'; round: number; timeoutMs: number }
  | { type: 'close' };

export type RoundResult =
  | { ok: true; maxMs: number; p50Ms: number; p99Ms: number; cpuMicros: number }
  | { ok: false; missing: number };

export type WorkerReply = { ok: true } | { ok: false; error: string } | RoundResult;

let sockets: WebSocket[] = [];
let arrivals = new Float64Array(0);
let received = 0;
let t0 = 0;
let onAll: (() => void) | undefined;

/** Resolves once every member got one message (or false after `timeoutMs`). */
function everyone(timeoutMs: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    onAll = () => {
      clearTimeout(timer);
      resolve(true);
    };
  });
}

/** Connects the members and has each join the room (one `room.join` each, answered). */
let dialect = dialectOf('raw');

async function open(url: string, kind: ServerKind, members: number): Promise<void> {
  dialect = dialectOf(kind);
  sockets = await openMany({ url, kind }, members, { concurrency: 64 });
  arrivals = new Float64Array(members);
  sockets.forEach((ws, i) => {
    ws.on('message', (data: Buffer) => {
      if (dialect.isControl(data)) return;
      arrivals[i] = performance.now() - t0;
      if (++received === sockets.length) onAll?.();
    });
  });
  received = 0;
  const joined = everyone(30_000);
  sockets.forEach((ws, i) => {
    ws.send(dialect.joinFrame(i, BROADCAST_ROOM));
  });
  if (!(await joined)) throw new Error(`only ${received} of ${members} members joined the room`);
}

async function round(n: number, timeoutMs: number): Promise<RoundResult> {
  received = 0;
  arrivals.fill(Number.NaN);
  const all = everyone(timeoutMs);
  const cpu0 = process.cpuUsage();
  t0 = performance.now();
  (sockets[0] as WebSocket).send(dialect.broadcastFrame(n));
  const complete = await all;
  const cpu = process.cpuUsage(cpu0);
  if (!complete) return { ok: false, missing: sockets.length - received };
  const values = Array.from(arrivals);
  return {
    ok: true,
    maxMs: Math.max(...values),
    p50Ms: percentile(values, 50),
    p99Ms: percentile(values, 99),
    cpuMicros: cpu.user + cpu.system,
  };
}

function reply(message: WorkerReply): void {
  process.send?.(message);
}

process.on('disconnect', () => process.exit(0));
process.on('message', (raw) => {
  const request = raw as WorkerRequest;
  switch (request.type) {
    case 'open':
      open(request.url, request.kind, request.members).then(
        () => reply({ ok: true }),
        (err: unknown) =>
          reply({ ok: false, error: err instanceof Error ? err.message : String(err) }),
      );
      break;
    case 'round':
      round(request.round, request.timeoutMs).then(reply, (err: unknown) =>
        reply({ ok: false, error: String(err) }),
      );
      break;
    case 'close':
      closeAll(sockets);
      process.exit(0);
  }
});
