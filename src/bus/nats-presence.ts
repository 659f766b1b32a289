import { type KV } from '@nats-io/kv';
import { type Logger } from 'pino';
import { withTimeout } from '../util/within.js';
import { type ResolvedNatsBusOptions } from './nats-bus-options.js';
import { fromToken, token } from './nats-keys.js';
import { type PresenceEntry, type WsPresence } from './ws-bus.interface.js';

/** The key-value buckets presence lives in once NATS is reached. */
export interface PresenceBuckets {
  /** `p.<set>.<node id>.<member>` → empty. */
  readonly entries: KV;
  /** `n.<node id>` → last heartbeat (ms); the bucket's TTL drops a node that stopped beating. */
  readonly nodes: KV;
}

async function collect(keys: AsyncIterable<string>): Promise<string[]> {
  const all: string[] = [];
  for await (const key of keys) all.push(key);
  return all;
}

/**
 * Presence in NATS JetStream key-value buckets. A node's heartbeat key lapses
 * (bucket TTL = `presenceTtlMs`) when it stops; readers drop the entries of
 * nodes without one. This node keeps a copy of its own entries: it answers
 * from it while NATS is away, and writes it back when NATS returns.
 */
export class NatsPresence implements WsPresence {
  private readonly own = new Map<string, Set<string>>();
  private buckets: PresenceBuckets | undefined;

  constructor(
    private readonly nodeId: string,
    private readonly options: ResolvedNatsBusOptions,
    private readonly logger: () => Logger,
  ) {}

  /** NATS reached (`buckets`) or lost (`undefined`). */
  attach(buckets: PresenceBuckets | undefined): void {
    this.buckets = buckets;
  }

  private keyOf(set: string, nodeId: string, member: string): string {
    return `p.${token(set)}.${nodeId}.${token(member)}`;
  }

  private timed<T>(promise: Promise<T>, what: string): Promise<T> {
    return withTimeout(promise, this.options.commandTimeoutMs, what);
  }

  async add(set: string, member: string): Promise<void> {
    const members = this.own.get(set);
    if (members) members.add(member);
    else this.own.set(set, new Set([member]));
    const buckets = this.buckets;
    if (!buckets) return;
    await this.timed(buckets.entries.put(this.keyOf(set, this.nodeId, member), ''), 'put').catch(
      (error: unknown) => this.logger().debug({ err: error, set }, 'Presence add failed'),
    );
  }

  async remove(set: string, member: string): Promise<void> {
    const members = this.own.get(set);
    if (!members?.delete(member)) return;
    if (members.size === 0) this.own.delete(set);
    const buckets = this.buckets;
    if (!buckets) return;
    await this.timed(buckets.entries.purge(this.keyOf(set, this.nodeId, member)), 'purge').catch(
      (error: unknown) => this.logger().debug({ err: error, set }, 'Presence remove failed'),
    );
  }

  async members(set: string): Promise<PresenceEntry[]> {
    const buckets = this.buckets;
    if (buckets) {
      try {
        return await this.timed(this.read(buckets, set), 'presence read');
      } catch (error) {
        this.logger().debug({ err: error, set }, 'Presence read failed; answering with this node');
      }
    }
    return [...(this.own.get(set) ?? [])].map((member) => ({ nodeId: this.nodeId, member }));
  }

  private async read(buckets: PresenceBuckets, set: string): Promise<PresenceEntry[]> {
    const keys = await collect(await buckets.entries.keys(`p.${token(set)}.>`));
    const entries = keys.map((key) => {
      const [, , nodeId = '', member = ''] = key.split('.');
      return { key, nodeId, member: fromToken(member) };
    });
    const alive = new Map<string, boolean>([[this.nodeId, true]]);
    for (const { nodeId } of entries) {
      if (!alive.has(nodeId)) {
        const beat = await buckets.nodes.get(`n.${nodeId}`);
        alive.set(nodeId, beat !== null && beat.operation === 'PUT');
      }
    }
    const live: PresenceEntry[] = [];
    for (const { key, nodeId, member } of entries) {
      if (alive.get(nodeId)) live.push({ nodeId, member });
      else void buckets.entries.purge(key).catch(() => undefined);
    }
    return live;
  }

  /** Marks this node alive (the bucket's TTL lapses it otherwise). */
  async heartbeat(): Promise<void> {
    const buckets = this.buckets;
    if (!buckets) return;
    await this.timed(buckets.nodes.put(`n.${this.nodeId}`, String(Date.now())), 'heartbeat');
  }

  /** Writes this node's heartbeat and every entry of it back. */
  async restore(): Promise<void> {
    const buckets = this.buckets;
    if (!buckets) return;
    await this.heartbeat();
    const writes: Promise<number>[] = [];
    for (const [set, members] of this.own) {
      for (const member of members) {
        writes.push(buckets.entries.put(this.keyOf(set, this.nodeId, member), ''));
      }
    }
    await this.timed(Promise.all(writes), 'presence restore');
  }

  /** Removes this node's entries and heartbeat (on shutdown). */
  async forgetSelf(): Promise<void> {
    const buckets = this.buckets;
    const own = [...this.own].flatMap(([set, members]) =>
      [...members].map((member) => this.keyOf(set, this.nodeId, member)),
    );
    this.own.clear();
    if (!buckets) return;
    await Promise.all([
      ...own.map((key) => buckets.entries.purge(key)),
      buckets.nodes.purge(`n.${this.nodeId}`),
    ]);
  }
}
