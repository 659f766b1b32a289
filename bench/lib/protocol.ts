/**
 * Constants and IPC messages shared by the load generator (parent process)
 * and the benchmark servers (one forked child per server).
 */
import type { MajorGc } from './major-gcs.js';

/** WebSocket path every benchmark server serves. */
export const WS_PATH = '/ws';

/** HS256 secret for the handshake scenario. Bench-only, never a real secret. */
export const JWT_SECRET = 'bench-only-hs256-secret-0123456789abcdef0123456789abcdef';

/** Scope the per-message guard of the pipeline scenario requires. */
export const PROFILE_SCOPE = 'profile:write';

export const SERVER_KINDS = ['raw', 'nest', 'socketio', 'module'] as const;
export type ServerKind = (typeof SERVER_KINDS)[number];

export const SERVER_LABELS: Record<ServerKind, string> = {
  raw: 'raw ws',
  nest: 'Nest WsAdapter',
  socketio: 'Socket.IO 4.8',
  module: 'nestjs-secure-ws',
};

/** Options the parent passes to a server child (as JSON in argv[2]). */
export interface ServerOptions {
  /** Verify an HS256 JWT from `Authorization: Bearer` at connect. */
  auth: boolean;
  /** Module and Socket.IO servers: share rooms across nodes through this Redis. */
  redisUrl?: string;
  /** Module server only: share rooms across nodes through this NATS instead (`bus: new NatsBus({ servers })`). */
  natsUrl?: string;
  /** Module server only: every room keeps history (`history: { allRooms: true }`, pushes carry `pos`). */
  history?: boolean;
  /**
   * Module server only (`--tracing`): `absent` takes the tracing plugin out of
   * the module's plugin list (the baseline), `sdk` registers the OpenTelemetry
   * SDK (every span sampled, batched, dropped); unset: the module as shipped,
   * tracing off (no SDK registered).
   */
  tracing?: 'absent' | 'sdk';
  /**
   * Module server only (`--tracing-burn`): one more plugin whose `afterMessage`
   * burns this many ns of CPU per message, the positive control of `--tracing-pairs`.
   */
  burnNs?: number;
  /** Record V8's major collections, returned with each `CpuSample` (the cross-node scenario names those in its window). */
  watchGc?: boolean;
}

/** What a server tells the parent about its own connections (when it can see them). */
export interface ServerStats {
  clients: number;
  /** Bytes queued in user space for the most backed-up client (ws `bufferedAmount`). */
  maxBufferedAmount: number;
  totalBufferedAmount: number;
}

/** The stats of a set of sockets: how many, and what waits in their send buffers. */
export function statsOf(sockets: Iterable<{ bufferedAmount: number }>): ServerStats {
  let clients = 0;
  let max = 0;
  let total = 0;
  for (const { bufferedAmount } of sockets) {
    clients += 1;
    max = Math.max(max, bufferedAmount);
    total += bufferedAmount;
  }
  return { clients, maxBufferedAmount: max, totalBufferedAmount: total };
}

export interface MemorySample {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  /** Resident bytes of V8's young generation (it grows with the allocation rate, and stays). */
  newSpace: number;
  /** Resident bytes by kind of mapping (/proc/self/smaps; empty off Linux): `[heap]` is malloc's main arena. */
  mappings?: Record<string, number>;
}

export interface CpuSample {
  /** µs of CPU (user + system) used by the server process so far. */
  cpuMicros: number;
  /** Server-side monotonic clock in ms, for the matching wall-clock delta. */
  at: number;
  /** With `watchGc`: the server's latest major collections so far. */
  majorGcs?: MajorGc[];
}

export type ParentMessage =
  /**
   * `gc`: after forced full collections. `settle`: then V8's last-resort
   * collection too, which gives back what V8 keeps for speed (the young
   * generation's pages, free pages), as its memory reducer does in an
   * idle process.
   */
  | { type: 'memory'; seq: number; gc: boolean; settle?: boolean }
  | { type: 'cpu'; seq: number }
  | { type: 'stats'; seq: number }
  | { type: 'heap-snapshot'; seq: number; path: string }
  | { type: 'stop'; seq: number };

export type ChildMessage =
  | { type: 'ready'; port: number; features: ServerFeatures }
  | { type: 'reply'; seq: number; payload: unknown }
  | { type: 'fatal'; message: string };

/** What a server implementation supports; the parent reports unsupported ones. */
export interface ServerFeatures {
  /** Verifies the JWT at connect when `auth` is requested. */
  auth: boolean;
  /** Can report `ServerStats` (it can see its own sockets). */
  stats: boolean;
}
