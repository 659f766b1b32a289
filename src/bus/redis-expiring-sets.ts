import { type Redis } from 'ioredis';
import { type Logger } from 'pino';
import { InMemoryExpiringSets } from './in-memory-expiring-sets.js';
import { type ExpiringEntry, type WsExpiringSets } from './ws-bus.interface.js';

/**
 * Expiring sets in Redis: a sorted set per name (`<prefix>x:<set>`, member →
 * lapse time), the key expiring with its last entry. This node keeps a copy
 * of what it wrote, answers from it while Redis is away, and writes it back
 * when Redis returns.
 */
export class RedisExpiringSets implements WsExpiringSets {
  private readonly own = new InMemoryExpiringSets();

  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly logger: Logger,
  ) {}

  private keyOf(set: string): string {
    return `${this.keyPrefix}x:${set}`;
  }

  async add(set: string, member: string, untilMs: number): Promise<void> {
    this.own.put(set, member, untilMs);
    if (this.redis.status !== 'ready') return;
    await this.write(set, [{ member, untilMs }]).catch((error: unknown) =>
      this.logger.debug({ err: error, set }, 'Expiring set add failed'),
    );
  }

  async list(set: string): Promise<ExpiringEntry[]> {
    if (this.redis.status === 'ready') {
      try {
        const now = Date.now();
        const key = this.keyOf(set);
        const [, flat] = await Promise.all([
          this.redis.zremrangebyscore(key, '-inf', now),
          this.redis.zrangebyscore(key, `(${now}`, '+inf', 'WITHSCORES'),
        ]);
        const entries: ExpiringEntry[] = [];
        for (let i = 0; i + 1 < flat.length; i += 2) {
          entries.push({ member: flat[i] as string, untilMs: Number(flat[i + 1]) });
        }
        return entries;
      } catch (error) {
        this.logger.debug(
          { err: error, set },
          'Expiring set read failed; answering with this node',
        );
      }
    }
    return this.own.live(set);
  }

  /** Writes back every live entry this node wrote. */
  async restore(): Promise<void> {
    await Promise.all(
      [...this.own.names()].map((set) => {
        const entries = this.own.live(set);
        return entries.length > 0 ? this.write(set, entries) : undefined;
      }),
    );
  }

  private async write(set: string, entries: ExpiringEntry[]): Promise<void> {
    const key = this.keyOf(set);
    const last = Math.max(...entries.map((entry) => entry.untilMs));
    const pipeline = this.redis.pipeline();
    for (const { member, untilMs } of entries) pipeline.zadd(key, 'GT', untilMs, member);
    // A key without a TTL ignores GT: set one (NX), then only ever extend it (GT).
    pipeline.pexpireat(key, last, 'NX').pexpireat(key, last, 'GT');
    const results = await pipeline.exec();
    const failed = results?.find(([error]) => error);
    if (failed) throw failed[0];
  }
}
