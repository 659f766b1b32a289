/*
 * The module's options. This folder imports no feature: each feature's
 * options live in its own folder and add their fields to
 * `SecureWsModuleOptions` and `ResolvedSecureWsOptions` by declaration
 * merging (`declare module`), next to their types:
 * - `auth`: auth/auth-options.interface.ts
 * - `redis`, `bus`: bus/redis-bus-options.ts
 * - `history`: history/history-options.ts
 * - `metrics`: metrics/metrics-options.interface.ts
 * - `protection`: protection/protection-options.interface.ts
 * - `plugins`: connection/plugin.interface.ts
 * - `slowConsumerTimeoutMs`: connection/read-backpressure.ts
 * The module resolves them all in one place: secure-ws.module-options.ts.
 */
import { type Logger } from 'pino';
import { type PreAuthOptions, type ResolvedPreAuthOptions } from './pre-auth-options.js';

/** A key and certificate (PEM) that turn a listener into `wss://`. */
export interface TlsOptions {
  key: string | Buffer;
  cert: string | Buffer;
}

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

/** The options of the module itself; the features add theirs to `SecureWsModuleOptions`. */
export interface SecureWsCoreOptions {
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
   * Serve `GET /metrics`, `/health` and `/health/ready` on a separate, internal
   * HTTP server at this address (started at app bootstrap, closed at
   * shutdown) instead of the app's port, where only `/health/live` stays.
   * See docs/operations.md.
   * @default undefined (served by `MetricsController` / `HealthController` on the app's port)
   */
  operations?: OperationsOptions;
  /** Requests with `idempotencyKey`: window, claim timeout, reply size cap, in-process key cap. */
  idempotency?: IdempotencyOptions;
  /** The AsyncAPI document of the gateways, served at `asyncapi.path` when set. See docs/contract.md. @default {} (not served) */
  asyncapi?: AsyncApiOptions;
}

/**
 * Every option of `SecureWsModule.forRoot()`: the module's own
 * (`SecureWsCoreOptions`) and each feature's (see the top of this file).
 */
export interface SecureWsModuleOptions extends SecureWsCoreOptions {}

/** Every option with its default filled in; the features add their resolved options. */
export interface ResolvedSecureWsOptions
  extends Required<
    Omit<SecureWsCoreOptions, 'logger' | 'heartbeat' | 'preAuth' | 'idempotency' | 'operations'>
  > {
  logger: Logger | undefined;
  heartbeat: Required<HeartbeatOptions> | false;
  preAuth: ResolvedPreAuthOptions;
  idempotency: ResolvedIdempotencyOptions;
  operations: ResolvedOperationsOptions | undefined;
}
