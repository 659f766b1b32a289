/**
 * Child-process side of a benchmark server: starts the server, tells the parent
 * its port over IPC, then answers memory / CPU / stats requests until stopped.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';
import { type MajorGc, watchMajorGcs } from '../lib/major-gcs.js';
import type {
  ChildMessage,
  CpuSample,
  MemorySample,
  ParentMessage,
  ServerFeatures,
  ServerOptions,
  ServerStats,
} from '../lib/protocol.js';

export interface BenchServer {
  port: number;
  features: ServerFeatures;
  /** Undefined when the server cannot see its own sockets. */
  stats?: () => ServerStats;
  close(): Promise<void>;
}

export type StartServer = (options: ServerOptions) => Promise<BenchServer>;

function send(message: ChildMessage): void {
  process.send?.(message);
}

async function collectGarbage(settle = false): Promise<void> {
  const gc = globalThis.gc;
  if (!gc) return;
  // Several passes with turns in between so that weak callbacks and
  // finalizers of closed sockets run and their memory can be reclaimed.
  for (let i = 0; i < 4; i++) {
    gc();
    await nextTurn();
  }
  // V8's low-memory collection: shrinks the young generation to its least
  // and releases free pages (V8's gc extension, `flavor: 'last-resort'`).
  if (settle) gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}

/** Resident bytes by kind of mapping: `[heap]`, `[stack]`, `anon` (V8's pages, malloc's other arenas), `file`. */
function residentByMapping(): Record<string, number> {
  let smaps: string;
  try {
    smaps = readFileSync('/proc/self/smaps', 'utf8');
  } catch {
    return {};
  }
  const out: Record<string, number> = {};
  let kind = 'anon';
  for (const line of smaps.split('\n')) {
    const header = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (header) {
      const path = header[1] ?? '';
      kind = path === '' ? 'anon' : path.startsWith('[') ? path : 'file';
    } else if (line.startsWith('Rss:')) {
      out[kind] = (out[kind] ?? 0) + Number(line.split(/\s+/)[1]) * 1024;
    }
  }
  return out;
}

async function memory(gc: boolean, settle: boolean): Promise<MemorySample> {
  if (gc) await collectGarbage(settle);
  const m = process.memoryUsage();
  return {
    rss: m.rss,
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
    newSpace:
      getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.physical_space_size ?? 0,
    // Only with the forced collections: reading smaps costs the server a few ms, too much for the
    // stalled row's sampler every 250 ms.
    ...(gc ? { mappings: residentByMapping() } : {}),
  };
}

function cpu(majorGcs: (() => MajorGc[]) | undefined): CpuSample {
  const u = process.cpuUsage();
  const sample: CpuSample = { cpuMicros: u.user + u.system, at: performance.now() };
  if (majorGcs) sample.majorGcs = majorGcs();
  return sample;
}

export function host(start: StartServer): void {
  if (!process.send) {
    console.error('bench server: must be started by bench/run.js (needs an IPC channel)');
    process.exit(2);
  }
  const options = JSON.parse(process.argv[2] ?? '{"auth":false}') as ServerOptions;
  // The parent going away (Ctrl-C, crash) must not leave a server behind.
  process.on('disconnect', () => process.exit(0));
  const majorGcs = options.watchGc ? watchMajorGcs() : undefined;

  start(options).then(
    (server) => {
      process.on('message', (raw) => {
        const message = raw as ParentMessage;
        const reply = (payload: unknown) => send({ type: 'reply', seq: message.seq, payload });
        switch (message.type) {
          case 'memory':
            memory(message.gc, message.settle === true).then(reply, (err: unknown) =>
              reply({ error: String(err) }),
            );
            break;
          case 'cpu':
            reply(cpu(majorGcs));
            break;
          case 'heap-snapshot':
            collectGarbage().then(
              () => reply(writeHeapSnapshot(message.path)),
              (err: unknown) => reply({ error: String(err) }),
            );
            break;
          case 'stats':
            reply(server.stats ? server.stats() : null);
            break;
          case 'stop':
            server.close().then(
              () => {
                reply(null);
                process.exit(0);
              },
              () => process.exit(1),
            );
            break;
        }
      });
      send({ type: 'ready', port: server.port, features: server.features });
    },
    (err: unknown) => {
      send({
        type: 'fatal',
        message: err instanceof Error ? (err.stack ?? err.message) : String(err),
      });
      process.exit(1);
    },
  );
}
