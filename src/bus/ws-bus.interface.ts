import { type Redis } from 'ioredis';
import { type Logger } from 'pino';

/**
 * Called with each message published on a topic the handler subscribed to,
 * and the id of the node that published it.
 */
export type BusHandler = (message: string, origin: string) => void;

/** A live subscription: `ready` settles once other nodes' messages reach it. */
export interface BusSubscription {
  /** Resolves when the subscription is registered on every node's transport (or at once when degraded). */
  readonly ready: Promise<void>;
  /** Stops delivery to this handler. Idempotent. */
  unsubscribe(): void;
}

/** One entry of a presence set, with the node that holds it. */
export interface PresenceEntry {
  readonly nodeId: string;
  readonly member: string;
}

/**
 * Shared sets of members per name (rooms, users), each entry owned by the
 * node that added it. A node that stops or crashes loses its entries.
 */
export interface WsPresence {
  add(set: string, member: string): Promise<void>;
  remove(set: string, member: string): Promise<void>;
  /** Every live entry of `set` on every node; only this node's when the transport is down. */
  members(set: string): Promise<PresenceEntry[]>;
}

/** One entry of an expiring set. */
export interface ExpiringEntry {
  readonly member: string;
  /** When the entry lapses, in ms since the epoch. */
  readonly untilMs: number;
}

/**
 * Shared sets whose entries lapse at a given time, not owned by any node:
 * what every node must still know after the node that wrote it has gone
 * (revoked users and token ids).
 */
export interface WsExpiringSets {
  /** Adds or extends an entry; a later `untilMs` wins. */
  add(set: string, member: string, untilMs: number): Promise<void>;
  /** Entries that have not lapsed (only this node's while the transport is down). */
  list(set: string): Promise<ExpiringEntry[]>;
}

/** `up`: messages and presence reach every node; `degraded`: only this node. */
export type BusStatus = 'up' | 'degraded';

/**
 * What a bus offers, read by the module (and by stores that build on the
 * bus) to choose how to use it. See docs/extending.md.
 */
export interface WsBusCapabilities {
  /**
   * The transport's name: `memory`, `redis`, `nats`, or a custom bus's own.
   * It names the bus's readiness check in `GET /health`; `memory` has none.
   */
  readonly transport: string;
  /**
   * `true` when `presence` and `expiring` are seen by every node. The module
   * then keeps revocations on the bus (every node loads them, also a node
   * started later); `false` keeps them in this process.
   */
  readonly shared: boolean;
  /**
   * The bus's Redis command connection, on a Redis bus only: for stores that
   * need Redis itself (scripts, streams), sharing the bus's connection and
   * its `keyPrefix`. `publisher`, when given, names the connection the bus
   * publishes room messages on at this moment (call it per message): a
   * store that publishes on the bus's channels from a script uses it, so
   * that the script's reply and this node's copy of the message come back
   * in one read, in order with the bus's own messages.
   */
  readonly redis?: {
    readonly client: Redis;
    readonly keyPrefix: string;
    readonly publisher?: () => Redis;
  };
}

/** What the bus reports to readiness checks. */
export interface BusHealth {
  /** The same as `capabilities.transport`. */
  readonly transport: string;
  readonly status: BusStatus;
  readonly nodeId: string;
  /** Messages that could not be sent to other nodes since start. */
  readonly undelivered: number;
  /** Transport details, e.g. the Redis connections' states. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * Messages and presence shared by every node of the app: the in-process
 * default, or a transport across nodes (Redis, NATS, or your own: the
 * `bus` option). Rooms, user-addressed delivery and session
 * revocation go through it.
 *
 * Delivery: `publish` hands the message to this node's subscribers at once,
 * synchronously (so local delivery never waits for, or depends on, the
 * transport), and to every other node's subscribers through the transport.
 * Messages of one publisher on one topic arrive in the order published.
 */
export interface WsBus {
  /** This node's id, unique per process start. */
  readonly nodeId: string;
  /** What this bus offers: its transport's name, whether its state is shared, its clients. */
  readonly capabilities: WsBusCapabilities;
  readonly presence: WsPresence;
  readonly expiring: WsExpiringSets;
  /** Fire and forget: never throws, never waits; what cannot reach other nodes is counted. */
  publish(topic: string, message: string): void;
  subscribe(topic: string, handler: BusHandler): BusSubscription;
  /**
   * Calls `listener` each time the transport comes up: at its first
   * connection and after each outage, once this node's state is written
   * back, so that users of the bus can load what they missed. Never called
   * by a bus without a transport (in memory). Returns the unsubscribe.
   */
  onResume(listener: () => void): () => void;
  health(): BusHealth;
  isHealthy(): boolean;
  /** Called by the module with its logger, for a bus passed with the `bus` option. */
  useLogger?(logger: Logger): void;
  /** Releases the transport and this node's presence entries. */
  close(): Promise<void>;
}

/** Injection token of the app's `WsBus`. */
export const WsBus = Symbol('WsBus');
