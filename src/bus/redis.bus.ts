import { randomUUID } from 'node:crypto';
import type { Redis, RedisOptions } from 'ioredis';
import { type Logger } from 'pino';
import { within } from '../util/within.js';
import { ioredis } from './ioredis.js';
import { LocalTopics } from './local-topics.js';
import { startPresenceHeartbeat } from './presence-heartbeat.js';
import { type ResolvedRedisBusOptions } from './redis-bus-options.js';
import { RedisExpiringSets } from './redis-expiring-sets.js';
import { RedisPresence } from './redis-presence.js';
import { type PublishReport, RedisPublisher } from './redis-publishes.js';
import { watchReplies } from './redis-reply-watchdog.js';
import { RedisTurnWriter } from './redis-turn-writer.js';
import {
  type BusHandler,
  type BusHealth,
  type BusSubscription,
  type WsBus,
  type WsBusCapabilities,
} from './ws-bus.interface.js';

const READY = Promise.resolve();
const SEPARATOR = '|';

/**
 * The bus across nodes: Redis pub/sub for messages, Redis sets for presence.
 * Two connections: one for commands (presence, stores), one subscribed to
 * the channels of the topics this node listens to. On RESP3 (ioredis'
 * default, Redis 6 and later) room messages are published on the
 * subscribed connection too: the `PUBLISH` reply and this node's own copy
 * of the message come back in one read, not two on two sockets. The
 * messages of one loop turn go out as one command (`RedisPublisher`). This
 * node's own copies are recognised by their first bytes and never decoded.
 *
 * When Redis is away, or leaves a command unanswered for
 * `commandTimeoutMs` (then the connection is ended, see `watchReplies`):
 * local delivery goes on (it never goes through Redis),
 * `publish` counts what could not reach other nodes, the outage is logged
 * once when it starts and once when it ends (with the count), both
 * connections reconnect by themselves, and presence is written back.
 */
export class RedisBus implements WsBus {
  readonly nodeId = randomUUID();
  readonly capabilities: WsBusCapabilities;
  readonly presence: RedisPresence;
  readonly expiring: RedisExpiringSets;
  private readonly resumeListeners = new Set<() => void>();
  private readonly commands: Redis;
  private readonly subscriber: Redis;
  private readonly topics: LocalTopics;
  /** Per topic with handlers here: settles when its channel is subscribed. */
  private readonly subscribed = new Map<string, Promise<void>>();
  private readonly channelPrefix: string;
  /** `<nodeId>|`: the first bytes of what this node published. */
  private readonly ownPrefix: Buffer;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly unwatch: (() => void)[];
  private undelivered = 0;
  private subscriberPublisher: RedisPublisher | undefined;
  private commandsPublisher: RedisPublisher | undefined;
  private outage: { since: number; undelivered: number } | undefined;
  private closing = false;
  private connectedOnce = false;

  constructor(
    private readonly options: ResolvedRedisBusOptions,
    private readonly logger: Logger,
  ) {
    this.channelPrefix = `${options.keyPrefix}t:`;
    this.ownPrefix = Buffer.from(this.nodeId + SEPARATOR);
    this.topics = new LocalTopics(logger);
    const shared: RedisOptions = {
      retryStrategy: (attempt) =>
        Math.min(50 * 2 ** Math.min(attempt, 8), options.maxReconnectDelayMs),
      connectionName: `secure-ws:${this.nodeId}`,
    };
    const { Redis } = ioredis();
    this.commands = new Redis(options.url, {
      ...shared,
      enableAutoPipelining: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
    });
    this.subscriber = new Redis(options.url, {
      ...shared,
      protocol: 3,
      enableOfflineQueue: true,
      // Room messages in flight when the connection drops are counted as
      // undelivered, never sent again later (as on the command connection);
      // subscriptions are made again from this node's topics once it is back.
      maxRetriesPerRequest: 0,
      autoResubscribe: false,
    });
    this.capabilities = {
      transport: 'redis',
      shared: true,
      redis: {
        client: this.commands,
        keyPrefix: options.keyPrefix,
        publisher: () => this.publishing() ?? this.commands,
      },
    };
    this.presence = new RedisPresence(this.commands, this.nodeId, options, logger);
    this.expiring = new RedisExpiringSets(this.commands, options.keyPrefix, logger);
    // Commands Redis leaves unanswered end their connection (see watchReplies).
    this.unwatch = [this.commands, this.subscriber].map((connection) =>
      watchReplies(connection, options.commandTimeoutMs, (error) => this.transportLost(error)),
    );
    for (const connection of [this.commands, this.subscriber]) {
      connection.on('error', (error: Error) => this.transportLost(error));
      connection.on('close', () => this.transportLost());
      connection.on('ready', () => this.transportReady());
    }
    this.subscriber.on('ready', () => this.resubscribe());
    this.subscriber.on('messageBuffer', (channel: Buffer, raw: Buffer) =>
      this.received(channel, raw),
    );
    this.heartbeat = startPresenceHeartbeat(
      options.presenceTtlMs,
      () =>
        void this.presence.heartbeat().then(() => {
          if (this.endOutage()) this.resumed();
        }, this.presenceFailed),
    );
  }

  publish(topic: string, message: string): void {
    this.topics.deliver(topic, message, this.nodeId);
    const publisher = this.publisher();
    if (!publisher) {
      this.notDelivered(1);
      return;
    }
    publisher.publish(this.channelPrefix + topic, this.nodeId + SEPARATOR + message);
  }

  /** The publisher of the connection room messages go out on now (see `publishing`). */
  private publisher(): RedisPublisher | undefined {
    const connection = this.publishing();
    if (connection === this.subscriber) {
      this.subscriberPublisher ??= new RedisPublisher(
        RedisTurnWriter.of(this.subscriber),
        this.publishReport,
      );
      return this.subscriberPublisher;
    }
    if (!connection) return undefined;
    this.commandsPublisher ??= new RedisPublisher(
      RedisTurnWriter.of(this.commands),
      this.publishReport,
    );
    return this.commandsPublisher;
  }

  private readonly publishReport: PublishReport = {
    notPublished: (count, error) => this.notDelivered(count, error),
    scriptRefused: (error) =>
      this.logger.warn(
        { err: error, nodeId: this.nodeId },
        'Redis refused the publish script: room messages go out one PUBLISH each',
      ),
  };

  /**
   * The connection room messages (and stored messages) go out on: the
   * subscribed one when it is up and speaks RESP3 (see the class), else
   * the command connection (RESP2, or the subscribed one reconnecting),
   * `undefined` when neither is up.
   */
  private publishing(): Redis | undefined {
    if (this.subscriber.status === 'ready' && this.subscriber.condition?.protocol === 3) {
      return this.subscriber;
    }
    return this.commands.status === 'ready' ? this.commands : undefined;
  }

  /** The subscribed connection is (back) up: one `SUBSCRIBE` for every topic with handlers here. */
  private resubscribe(): void {
    const channels = [...this.topics.topics()].map((topic) => this.channelPrefix + topic);
    if (channels.length === 0) return;
    this.subscriber.subscribe(...channels).catch((error: unknown) => this.transportLost(error));
  }

  subscribe(topic: string, handler: BusHandler): BusSubscription {
    const channel = this.channelPrefix + topic;
    if (this.topics.add(topic, handler)) {
      this.subscribed.set(
        topic,
        this.subscriber.subscribe(channel).then(
          () => undefined,
          (error: unknown) => this.transportLost(error),
        ),
      );
    }
    let active = true;
    const ready =
      this.subscriber.status === 'ready'
        ? within(this.subscribed.get(topic) ?? READY, this.options.commandTimeoutMs, undefined)
        : READY;
    return {
      ready,
      unsubscribe: () => {
        if (!active) return;
        active = false;
        if (!this.topics.remove(topic, handler)) return;
        this.subscribed.delete(topic);
        this.subscriber.unsubscribe(channel).catch(() => undefined);
      },
    };
  }

  private received(channel: Buffer, raw: Buffer): void {
    // This node's own messages (its members already have them): not decoded.
    const own = this.ownPrefix;
    if (raw.length >= own.length && raw.compare(own, 0, own.length, 0, own.length) === 0) return;
    const text = raw.toString();
    const bar = text.indexOf(SEPARATOR);
    if (bar < 0) return;
    const topic = channel.toString().slice(this.channelPrefix.length);
    this.topics.deliver(topic, text.slice(bar + 1), text.slice(0, bar));
  }

  private notDelivered(count: number, error?: unknown): void {
    this.undelivered += count;
    this.transportLost(error);
    if (this.outage) this.outage.undelivered += count;
  }

  /** Logs the start of an outage once, however many errors follow. */
  private transportLost(error?: unknown): void {
    if (this.closing || this.outage) return;
    this.outage = { since: Date.now(), undelivered: 0 };
    this.logger.warn(
      { err: error, nodeId: this.nodeId },
      'Redis unavailable: messages stay on this node until it is back',
    );
  }

  private readonly presenceFailed = (error: unknown): void => {
    if (!this.closing) this.logger.debug({ err: error }, 'Presence heartbeat failed');
  };

  /**
   * Both connections are up: write this node's state back, then end the
   * outage (if there was one).
   */
  private transportReady(): void {
    if (this.closing || !this.isHealthy()) return;
    Promise.all([this.presence.restore(), this.expiring.restore()])
      .then(() => this.presence.heartbeat())
      .catch(this.presenceFailed)
      .finally(() => {
        const first = !this.connectedOnce;
        this.connectedOnce = true;
        if (this.endOutage() || first) this.resumed();
      });
  }

  private resumed(): void {
    for (const listener of this.resumeListeners) {
      try {
        listener();
      } catch (error) {
        this.logger.error({ err: error }, 'Bus resume listener failed');
      }
    }
  }

  onResume(listener: () => void): () => void {
    this.resumeListeners.add(listener);
    return () => void this.resumeListeners.delete(listener);
  }

  /** Logs the end of an outage once, with what it cost; `true` when it ended one. */
  private endOutage(): boolean {
    const outage = this.outage;
    if (!outage || this.closing || !this.isHealthy()) return false;
    this.outage = undefined;
    this.logger.info(
      {
        nodeId: this.nodeId,
        outageMs: Date.now() - outage.since,
        undelivered: outage.undelivered,
      },
      'Redis reachable again: delivery across nodes resumed',
    );
    return true;
  }

  health(): BusHealth {
    return {
      transport: this.capabilities.transport,
      status: this.isHealthy() ? 'up' : 'degraded',
      nodeId: this.nodeId,
      undelivered: this.undelivered,
      details: { commands: this.commands.status, subscriber: this.subscriber.status },
    };
  }

  isHealthy(): boolean {
    return this.commands.status === 'ready' && this.subscriber.status === 'ready';
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearInterval(this.heartbeat);
    for (const unwatch of this.unwatch) unwatch();
    await within(
      this.presence.forgetSelf().catch(() => undefined),
      this.options.commandTimeoutMs,
      undefined,
    );
    await Promise.all([this.commands, this.subscriber].map((connection) => quit(connection)));
  }
}

async function quit(connection: Redis): Promise<void> {
  if (connection.status === 'ready') {
    await within(
      connection.quit().catch(() => undefined),
      1000,
      undefined,
    );
  }
  connection.disconnect();
}
