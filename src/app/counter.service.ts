import { Inject, Injectable } from '@nestjs/common';
import { WsBus } from '../bus/ws-bus.interface.js';
import { BoundedMap } from '../protection/bounded-map.js';

/** Users whose counters one process keeps when there is no Redis; the least recent go first. */
const MAX_LOCAL_COUNTERS = 100_000;
/** A counter left alone this long is forgotten in Redis. */
const COUNTER_TTL_SECONDS = 24 * 3600;

/**
 * Each user's own counter: in Redis (`INCR`, shared by every node) when the
 * app runs on Redis, else in this process.
 */
@Injectable()
export class CounterService {
  private readonly local = new BoundedMap<string, { value: number }>(MAX_LOCAL_COUNTERS);

  constructor(@Inject(WsBus) private readonly bus: WsBus) {}

  async increment(userId: string): Promise<number> {
    const redis = this.bus.capabilities.redis;
    if (!redis) {
      const counter = this.local.getOrCreate(userId, () => ({ value: 0 }));
      counter.value += 1;
      return counter.value;
    }
    const key = `${redis.keyPrefix}app:counter:${userId}`;
    const results = await redis.client.multi().incr(key).expire(key, COUNTER_TTL_SECONDS).exec();
    const [error, value] = results?.[0] ?? [new Error('Counter transaction aborted'), null];
    if (error) throw error;
    return Number(value);
  }
}
