import { type Logger } from 'pino';
import { type MetricsOptions } from '../metrics/metrics-options.interface.js';
import { type ProtectionOptions } from '../protection/protection-options.interface.js';
import { type PreAuthOptions, type ResolvedPreAuthOptions } from './pre-auth-options.js';

/** A key and certificate (PEM) that turn a listener into `wss://`. */
export interface TlsOptions {
  key: string | Buffer;
  cert: string | Buffer;
}

import { type AuthOptions, type ResolvedAuthOptions } from '../auth/auth-options.interface.js';
import { type RedisBusOptions, type ResolvedRedisBusOptions } from '../bus/redis-bus-options.js';
import { type WsBus } from '../bus/ws-bus.interface.js';
import { type SecureWsPluginRef } from '../connection/plugin.interface.js';
import { type ReadBackpressureOptions } from '../connection/read-backpressure.js';
import { type HistoryOptions, type ResolvedHistoryOptions } from '../history/history-options.js';
import { type AsyncApiOptions } from './asyncapi-options.interface.js';
import { type IdempotencyOptions, type ResolvedIdempotencyOptions } from './idempotency-options.js';
import { type OperationsOptions, type ResolvedOperationsOptions } from './operations-options.js';

/** A separate port whose WebSocket upgrades are served by the gateway at `path`. */
export interface ListenerOptions {
  /** Port to listen on; 0 picks a free one (see `SecureWsAdapter.listenerAddress`). */
  port: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** Path of the gateway that serves this port's connections, e.g. `/seed/echo`. */
  path: string;
  /** Serve this port over TLS (`wss://`). @default undefined (plain `ws://`) */
  tls?: TlsOptions;
}

export interface HeartbeatOptions {
  /**
   * The server pings every connection this often; a peer that has not
   * answered the previous ping by the next one is cut.
   * @default 25000
   */
  intervalMs?: number;
}

export interface SecureWsModuleOptions extends ReadBackpressureOptions {
  /**
   * Largest frame accepted, in bytes; a larger one is closed 1009 by the protocol layer.
   * @default 1048576 (1 MiB)
   */
  maxPayload?: number;
  /** Server pings and dead-peer cut; `false` turns them off. @default { intervalMs: 25000 } */
  heartbeat?: HeartbeatOptions | false;
  /** Deepest nesting of a JSON frame, answered BAD_FRAME above it. @default 32 */
  maxJsonDepth?: number;
  /** Most keys and array items in a JSON frame, answered BAD_FRAME above it. @default 1000 */
  maxJsonKeys?: number;
  /**
   * Bad frames (BAD_FRAME, UNSUPPORTED_FRAME) one connection may send within
   * `badFrameWindowMs` before it is closed 1008.
   * @default 20
   */
  maxBadFrames?: number;
  /** @default 10000 */
  badFrameWindowMs?: number;
  /**
   * Frames held while a connection is being admitted (authentication,
   * `handleConnection`); frames beyond it are answered RATE_LIMITED.
   * @default 64
   */
  maxPendingFrames?: number;
  /**
   * Bytes that may wait in one connection's send buffer; past it the client
   * is told SLOW_CONSUMER and closed 1013.
   * @default 4194304 (4 MiB)
   */
  maxBufferedBytes?: number;
  /**
   * How long shutdown waits for in-flight handlers, close handshakes and
   * disconnect hooks before it terminates what is left.
   * @default 10000
   */
  drainTimeoutMs?: number;
  /**
   * The pino logger to write to. When absent, nestjs-pino's root logger is
   * used if the app has one, else a pino logger to stdout.
   */
  logger?: Logger;
  /**
   * Client-caused errors logged per connection per minute (at `debug`);
   * the rest are counted and summarised.
   * @default 10
   */
  maxClientErrorLogsPerMinute?: number;
  /**
   * Rooms one connection may be in at once; a join beyond it is answered
   * BAD_REQUEST.
   * @default 100
   */
  maxRoomsPerConnection?: number;
  /**
   * Handlers of one connection in flight at once (`@Concurrent()` ones run
   * together up to it); once running plus waiting frames pass it, the
   * socket is not read until one settles (TCP backpressure, nothing dropped).
   * @default 16
   */
  maxInflightPerConnection?: number;
  /** Apply `SecureValidationPipe` to every gateway's handlers. @default true */
  validateAllGateways?: boolean;
  /** Extra ports, each serving one gateway path. @default [] */
  listeners?: ListenerOptions[];
  /**
   * Budgets of a connection before it authenticates: frame size, buffered
   * chunks and fragments, send buffer, idle deadline (see `PreAuthOptions`).
   */
  preAuth?: PreAuthOptions;
  /**
   * Your plugins, run after the module's own (protection, authentication,
   * metrics): classes created with dependency injection, or instances. See
   * docs/extending.md.
   * @default []
   */
  plugins?: SecureWsPluginRef[];
  /** Handshake rules and message rate limits (see `ProtectionOptions` for each default). */
  protection?: ProtectionOptions;
  /** Prometheus metrics: registry and prefix. @default { prefix: 'secure_ws_' } in a new Registry */
  metrics?: MetricsOptions;
  /**
   * Serve `GET /metrics`, `/health` and `/health/ready` on a separate, internal
   * HTTP server at this address (started at app bootstrap, closed at
   * shutdown) instead of the app's port, where only `/health/live` stays.
   * See docs/operations.md.
   * @default undefined (served by `MetricsController` / `HealthController` on the app's port)
   */
  operations?: OperationsOptions;
  /** JWT authentication of every gateway that does not opt out; off when absent. See README "Authentication". @default undefined */
  auth?: AuthOptions;
  /**
   * Share rooms, presence and revocations with every node on this Redis.
   * When absent, they stay in this process.
   * @default undefined
   */
  redis?: RedisBusOptions;
  /**
   * The bus to share rooms, presence and revocations through: any `WsBus`,
   * e.g. `new NatsBus({ servers })` or your own. The module closes it at
   * shutdown. Exclusive with `redis`. See docs/extending.md.
   * @default undefined (the `redis` option's bus, else in memory)
   */
  bus?: WsBus;
  /** Requests with `idempotencyKey`: window, claim timeout, reply size cap, in-process key cap. */
  idempotency?: IdempotencyOptions;
  /**
   * Room history: positions on pushes and `session.resume` (see docs/delivery.md).
   * Kept in Redis when the bus runs on Redis, else in this process.
   * @default { allRooms: false, size: 100, ttlMs: 120000, maxRooms: 10000, maxMessages: 100000 }
   */
  history?: HistoryOptions;
  /** The AsyncAPI document of the gateways, served at `asyncapi.path` when set. See docs/contract.md. @default {} (not served) */
  asyncapi?: AsyncApiOptions;
}

/** Every option with its default filled in. */
export interface ResolvedSecureWsOptions
  extends Required<
    Omit<
      SecureWsModuleOptions,
      | 'logger'
      | 'heartbeat'
      | 'auth'
      | 'protection'
      | 'metrics'
      | 'redis'
      | 'bus'
      | 'preAuth'
      | 'idempotency'
      | 'history'
      | 'operations'
    >
  > {
  logger: Logger | undefined;
  auth: ResolvedAuthOptions | undefined;
  /** Resolved by the protection providers (`PROTECTION_OPTIONS`). */
  protection?: ProtectionOptions;
  metrics?: MetricsOptions;
  redis: ResolvedRedisBusOptions | undefined;
  bus: WsBus | undefined;
  heartbeat: Required<HeartbeatOptions> | false;
  preAuth: ResolvedPreAuthOptions;
  idempotency: ResolvedIdempotencyOptions;
  history: ResolvedHistoryOptions;
  operations: ResolvedOperationsOptions | undefined;
}
