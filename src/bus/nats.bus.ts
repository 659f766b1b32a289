import { randomUUID } from 'node:crypto';
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { type Logger } from 'pino';
import { resolveRootLogger } from '../logging/root-logger.js';
import { within } from '../util/within.js';
import { LocalTopics } from './local-topics.js';
import {
  type NatsBusOptions,
  type ResolvedNatsBusOptions,
  resolveNatsBusOptions,
} from './nats-bus-options.js';
import { NatsExpiringSets } from './nats-expiring-sets.js';
import { token } from './nats-keys.js';
import { NatsPresence } from './nats-presence.js';
import { startPresenceHeartbeat } from './presence-heartbeat.js';
import {
  type BusHandler,
  type BusHealth,
  type BusSubscription,
  type WsBus,
  type WsBusCapabilities,
} from './ws-bus.interface.js';

/** How long to wait before opening the key-value buckets again after a failure. */
const BUCKETS_RETRY_MS = 500;

const READY = Promise.resolve();
const SEPARATOR = '|';

/**
 * The bus across nodes on NATS: core NATS subjects for messages, JetStream
 * key-value buckets for presence and expiring sets (the server runs with
 * JetStream, `nats-server -js`). Pass it with
 * `SecureWsModule.forRoot({ bus: new NatsBus({ servers: 'nats://...' }) })`.
 *
 * Like the Redis bus: local delivery never goes through NATS; while NATS is
 * away `publish` counts what could not reach other nodes (it does not let
 * the client buffer it for later), the outage is logged once when it starts
 * and once when it ends, the client reconnects by itself, and this node's
 * presence and expiring entries are written back. docs/extending.md lists
 * where its guarantees differ from Redis's.
 */
export class NatsBus implements WsBus {
  readonly nodeId = randomUUID();
  readonly capabilities: WsBusCapabilities = { transport: 'nats', shared: true };
  readonly presence: NatsPresence;
  readonly expiring: NatsExpiringSets;
  private readonly options: ResolvedNatsBusOptions;
  private readonly topics: LocalTopics;
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly resumeListeners = new Set<() => void>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly started: Promise<void>;
  private logger: Logger;
  private connection: NatsConnection | undefined;
  /** Connected, with the key-value buckets open. */
  private up = false;
  private undelivered = 0;
  private outage: { since: number; undelivered: number } | undefined;
  private closing = false;

  constructor(options: NatsBusOptions) {
    this.options = resolveNatsBusOptions(options);
    this.logger = (this.options.logger ?? resolveRootLogger(undefined)).child({
      component: 'ws-bus',
    });
    const logger = () => this.logger;
    this.topics = new LocalTopics(logger());
    this.presence = new NatsPresence(this.nodeId, this.options, logger);
    this.expiring = new NatsExpiringSets(this.options.commandTimeoutMs, logger);
    this.started = this.start().catch((error: unknown) =>
      this.logger.error({ err: error }, 'NATS connection failed for good'),
    );
    this.heartbeat = startPresenceHeartbeat(
      this.options.presenceTtlMs,
      () =>
        void this.presence
          .heartbeat()
          .catch((error: unknown) =>
            this.logger.debug({ err: error }, 'Presence heartbeat failed'),
          ),
    );
  }

  /** The module hands the bus its logger. */
  useLogger(logger: Logger): void {
    this.logger = logger.child({ component: 'ws-bus' });
  }

  /** The client connection, once NATS was reached: for stores that need NATS itself. */
  get client(): NatsConnection | undefined {
    return this.connection;
  }

  private subjectOf(topic: string): string {
    return `${this.options.prefix}.t.${token(topic)}`;
  }

  private async start(): Promise<void> {
    const { servers, maxReconnectDelayMs, connection: extra } = this.options;
    const connection = await connect({
      // The server sends this node none of its own messages back (its
      // members have them already): no read and no decode per message sent
      // to a room this node has members of. `received` still drops any by origin.
      noEcho: true,
      ...extra,
      servers,
      name: `secure-ws:${this.nodeId}`,
      reconnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: maxReconnectDelayMs,
      waitOnFirstConnect: true,
    });
    if (this.closing) {
      await connection.close();
      return;
    }
    this.connection = connection;
    for (const topic of this.topics.topics()) this.subscribeOnTransport(topic);
    void this.watch(connection);
    await this.transportReady();
  }

  /** Follows the connection's status: an outage starts at a disconnect, ends at a reconnect. */
  private async watch(connection: NatsConnection): Promise<void> {
    for await (const status of connection.status()) {
      if (status.type === 'disconnect') this.transportLost();
      else if (status.type === 'reconnect') void this.transportReady();
    }
  }

  /** NATS reached: open the buckets, write this node's state back, end the outage. */
  private async transportReady(): Promise<void> {
    const connection = this.connection;
    if (!connection || this.closing) return;
    try {
      const kvm = new Kvm(connection);
      const { prefix, presenceTtlMs } = this.options;
      const [entries, nodes, expiring] = await Promise.all([
        kvm.create(`${prefix}-presence`, { history: 1 }),
        kvm.create(`${prefix}-nodes`, { history: 1, ttl: presenceTtlMs }),
        kvm.create(`${prefix}-expiring`, { history: 1 }),
      ]);
      this.presence.attach({ entries, nodes });
      this.expiring.attach(expiring);
      await Promise.all([this.presence.restore(), this.expiring.restore()]);
    } catch (error) {
      this.logger.warn(
        { err: error },
        'NATS key-value buckets unavailable; presence stays on this node, retrying',
      );
      // Two nodes creating the buckets at once can race: try again while this connection lives.
      setTimeout(() => {
        if (this.connection === connection && !this.up) void this.transportReady();
      }, BUCKETS_RETRY_MS).unref();
      return;
    }
    this.up = true;
    this.endOutage();
    for (const listener of this.resumeListeners) {
      try {
        listener();
      } catch (error) {
        this.logger.error({ err: error }, 'Bus resume listener failed');
      }
    }
  }

  private transportLost(): void {
    this.up = false;
    this.presence.attach(undefined);
    this.expiring.attach(undefined);
    if (this.closing || this.outage) return;
    this.outage = { since: Date.now(), undelivered: 0 };
    this.logger.warn(
      { nodeId: this.nodeId },
      'NATS unavailable: messages stay on this node until it is back',
    );
  }

  private endOutage(): void {
    const outage = this.outage;
    if (!outage) return;
    this.outage = undefined;
    this.logger.info(
      { nodeId: this.nodeId, outageMs: Date.now() - outage.since, undelivered: outage.undelivered },
      'NATS reachable: delivery across nodes resumed',
    );
  }

  publish(topic: string, message: string): void {
    this.topics.deliver(topic, message, this.nodeId);
    const connection = this.connection;
    if (!this.up || !connection) {
      this.notDelivered();
      return;
    }
    try {
      connection.publish(this.subjectOf(topic), this.nodeId + SEPARATOR + message);
    } catch {
      this.notDelivered();
    }
  }

  private notDelivered(): void {
    this.undelivered += 1;
    if (this.outage) this.outage.undelivered += 1;
  }

  subscribe(topic: string, handler: BusHandler): BusSubscription {
    let ready = READY;
    if (this.topics.add(topic, handler) && this.connection) {
      this.subscribeOnTransport(topic);
      // The server has the subscription once a flush round trip is back.
      if (this.up) {
        ready = within(
          this.connection.flush().catch(() => undefined),
          this.options.commandTimeoutMs,
          undefined,
        );
      }
    }
    let active = true;
    return {
      ready,
      unsubscribe: () => {
        if (!active) return;
        active = false;
        if (!this.topics.remove(topic, handler)) return;
        this.subscriptions.get(topic)?.unsubscribe();
        this.subscriptions.delete(topic);
      },
    };
  }

  private subscribeOnTransport(topic: string): void {
    const connection = this.connection;
    if (!connection || this.subscriptions.has(topic)) return;
    const subscription = connection.subscribe(this.subjectOf(topic), {
      callback: (error, message) => {
        if (error) return;
        this.received(topic, message.string());
      },
    });
    this.subscriptions.set(topic, subscription);
  }

  private received(topic: string, raw: string): void {
    const bar = raw.indexOf(SEPARATOR);
    if (bar < 0) return;
    const origin = raw.slice(0, bar);
    if (origin === this.nodeId) return;
    this.topics.deliver(topic, raw.slice(bar + 1), origin);
  }

  onResume(listener: () => void): () => void {
    this.resumeListeners.add(listener);
    return () => void this.resumeListeners.delete(listener);
  }

  health(): BusHealth {
    return {
      transport: this.capabilities.transport,
      status: this.isHealthy() ? 'up' : 'degraded',
      nodeId: this.nodeId,
      undelivered: this.undelivered,
      details: {
        connection:
          this.connection?.isClosed() === false
            ? this.up
              ? 'connected'
              : 'reconnecting'
            : 'closed',
      },
    };
  }

  isHealthy(): boolean {
    return this.up;
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearInterval(this.heartbeat);
    const { commandTimeoutMs } = this.options;
    await within(
      this.presence.forgetSelf().catch(() => undefined),
      commandTimeoutMs,
      undefined,
    );
    this.up = false;
    const connection = this.connection;
    if (connection) {
      await within(
        connection.drain().catch(() => undefined),
        commandTimeoutMs,
        undefined,
      );
      if (!connection.isClosed()) await connection.close();
    }
    await within(this.started, commandTimeoutMs, undefined);
  }
}
