import { type Redis } from 'ioredis';
import { type Logger } from 'pino';
import { type ResolvedRedisBusOptions } from './redis-bus-options.js';
import { type PresenceEntry, type WsPresence } from './ws-bus.interface.js';

/**
 * Drops every presence entry of one node, then the node itself.
 * KEYS[1]: the node zset; KEYS[2]: the node's index of sets.
 * ARGV[1]: prefix of presence set keys; ARGV[2]: the node id.
 */
const FORGET_NODE = `
local sets = redis.call('SMEMBERS', KEYS[2])
local mark = ARGV[2] .. '|'
for _, name in ipairs(sets) do
  local key = ARGV[1] .. name
  for _, entry in ipairs(redis.call('SMEMBERS', key)) do
    if string.sub(entry, 1, #mark) == mark then redis.call('SREM', key, entry) end
  end
end
redis.call('DEL', KEYS[2])
redis.call('ZREM', KEYS[1], ARGV[2])
return #sets
`;

function parseEntry(raw: string): PresenceEntry {
  const bar = raw.indexOf('|');
  return { nodeId: raw.slice(0, bar), member: raw.slice(bar + 1) };
}

/**
 * Presence in Redis. Keys (after the prefix):
 * - `nodes`: zset of node id → last heartbeat (ms);
 * - `p:<set>`: set of `<node id>|<member>`;
 * - `n:<node id>`: the set names a node has entries in, to forget it.
 *
 * This node keeps a copy of its own entries: it answers from it while Redis
 * is away, and writes it back when Redis returns or when other nodes took
 * this one for dead.
 */
export class RedisPresence implements WsPresence {
  private readonly own = new Map<string, Set<string>>();
  private readonly nodesKey: string;
  private readonly indexKey: string;
  private readonly setPrefix: string;

  constructor(
    private readonly redis: Redis,
    private readonly nodeId: string,
    private readonly options: ResolvedRedisBusOptions,
    private readonly logger: Logger,
  ) {
    this.nodesKey = `${options.keyPrefix}nodes`;
    this.indexKey = this.indexKeyOf(nodeId);
    this.setPrefix = `${options.keyPrefix}p:`;
  }

  private indexKeyOf(nodeId: string): string {
    return `${this.options.keyPrefix}n:${nodeId}`;
  }

  private get connected(): boolean {
    return this.redis.status === 'ready';
  }

  async add(set: string, member: string): Promise<void> {
    const members = this.own.get(set);
    if (members) members.add(member);
    else this.own.set(set, new Set([member]));
    if (!this.connected) return;
    await Promise.all([
      this.redis.sadd(this.setPrefix + set, `${this.nodeId}|${member}`),
      this.redis.sadd(this.indexKey, set),
    ]).catch((error: unknown) => this.logger.debug({ err: error, set }, 'Presence add failed'));
  }

  async remove(set: string, member: string): Promise<void> {
    const members = this.own.get(set);
    if (!members?.delete(member)) return;
    const last = members.size === 0;
    if (last) this.own.delete(set);
    if (!this.connected) return;
    await Promise.all([
      this.redis.srem(this.setPrefix + set, `${this.nodeId}|${member}`),
      last ? this.redis.srem(this.indexKey, set) : undefined,
    ]).catch((error: unknown) => this.logger.debug({ err: error, set }, 'Presence remove failed'));
  }

  async members(set: string): Promise<PresenceEntry[]> {
    if (this.connected) {
      try {
        const since = Date.now() - this.options.presenceTtlMs;
        const [entries, alive] = await Promise.all([
          this.redis.smembers(this.setPrefix + set),
          this.redis.zrangebyscore(this.nodesKey, since, '+inf'),
        ]);
        const live = new Set(alive).add(this.nodeId);
        return entries.map(parseEntry).filter((entry) => live.has(entry.nodeId));
      } catch (error) {
        this.logger.debug({ err: error, set }, 'Presence read failed; answering with this node');
      }
    }
    return this.ownEntries(set);
  }

  private ownEntries(set: string): PresenceEntry[] {
    return [...(this.own.get(set) ?? [])].map((member) => ({ nodeId: this.nodeId, member }));
  }

  /**
   * Marks this node alive; writes its entries back when other nodes had
   * dropped it (or Redis lost them); forgets nodes whose heartbeat is stale.
   */
  async heartbeat(): Promise<void> {
    if (!this.connected) return;
    const now = Date.now();
    const [known] = await Promise.all([
      this.redis.zscore(this.nodesKey, this.nodeId),
      this.redis.zadd(this.nodesKey, now, this.nodeId),
    ]);
    if (known === null) await this.restore();
    const dead = await this.redis.zrangebyscore(
      this.nodesKey,
      '-inf',
      `(${now - this.options.presenceTtlMs}`,
    );
    for (const nodeId of dead) {
      if (nodeId === this.nodeId) continue;
      await this.forget(nodeId);
      this.logger.info({ deadNode: nodeId }, 'Dropped the presence of a node that stopped');
    }
  }

  /** Writes every entry of this node back to Redis. */
  async restore(): Promise<void> {
    const pipeline = this.redis.pipeline().zadd(this.nodesKey, Date.now(), this.nodeId);
    for (const [set, members] of this.own) {
      pipeline.sadd(this.indexKey, set);
      for (const member of members) pipeline.sadd(this.setPrefix + set, `${this.nodeId}|${member}`);
    }
    await pipeline.exec();
  }

  private async forget(nodeId: string): Promise<void> {
    await this.redis.eval(
      FORGET_NODE,
      2,
      this.nodesKey,
      this.indexKeyOf(nodeId),
      this.setPrefix,
      nodeId,
    );
  }

  /** Removes this node's entries from Redis (on shutdown). */
  async forgetSelf(): Promise<void> {
    this.own.clear();
    if (this.connected) await this.forget(this.nodeId);
  }
}
