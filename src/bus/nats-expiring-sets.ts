import { type KV } from '@nats-io/kv';
import { type Logger } from 'pino';
import { withTimeout } from '../util/within.js';
import { InMemoryExpiringSets } from './in-memory-expiring-sets.js';
import { fromToken, token } from './nats-keys.js';
import { type ExpiringEntry, type WsExpiringSets } from './ws-bus.interface.js';

/**
 * Expiring sets in a NATS JetStream key-value bucket: `x.<set>.<member>` →
 * lapse time (ms). A later time wins, but not atomically across nodes (read,
 * then write: two nodes extending one entry at once may keep the earlier);
 * lapsed entries are removed when read. This node keeps a copy of what it
 * wrote, answers from it while NATS is away, and writes it back after.
 */
export class NatsExpiringSets implements WsExpiringSets {
  private readonly own = new InMemoryExpiringSets();
  private bucket: KV | undefined;

  constructor(
    private readonly commandTimeoutMs: number,
    private readonly logger: () => Logger,
  ) {}

  attach(bucket: KV | undefined): void {
    this.bucket = bucket;
  }

  private keyOf(set: string, member: string): string {
    return `x.${token(set)}.${token(member)}`;
  }

  async add(set: string, member: string, untilMs: number): Promise<void> {
    this.own.put(set, member, untilMs);
    const bucket = this.bucket;
    if (!bucket) return;
    await withTimeout(this.write(bucket, set, member, untilMs), this.commandTimeoutMs, 'add').catch(
      (error: unknown) => this.logger().debug({ err: error, set }, 'Expiring set add failed'),
    );
  }

  private async write(bucket: KV, set: string, member: string, untilMs: number): Promise<void> {
    const key = this.keyOf(set, member);
    const known = await bucket.get(key);
    if (known?.operation === 'PUT' && Number(known.string()) >= untilMs) return;
    await bucket.put(key, String(untilMs));
  }

  async list(set: string): Promise<ExpiringEntry[]> {
    const bucket = this.bucket;
    if (bucket) {
      try {
        return await withTimeout(this.read(bucket, set), this.commandTimeoutMs, 'list');
      } catch (error) {
        this.logger().debug(
          { err: error, set },
          'Expiring set read failed; answering with this node',
        );
      }
    }
    return this.own.live(set);
  }

  private async read(bucket: KV, set: string): Promise<ExpiringEntry[]> {
    const now = Date.now();
    const entries: ExpiringEntry[] = [];
    for await (const key of await bucket.keys(`x.${token(set)}.>`)) {
      const entry = await bucket.get(key);
      if (entry?.operation !== 'PUT') continue;
      const untilMs = Number(entry.string());
      if (untilMs > now) entries.push({ member: fromToken(key.split('.')[2] ?? ''), untilMs });
      else void bucket.purge(key).catch(() => undefined);
    }
    return entries;
  }

  /** Writes back every live entry this node wrote. */
  async restore(): Promise<void> {
    const bucket = this.bucket;
    if (!bucket) return;
    const writes: Promise<void>[] = [];
    for (const set of [...this.own.names()]) {
      for (const { member, untilMs } of this.own.live(set)) {
        writes.push(this.write(bucket, set, member, untilMs));
      }
    }
    await withTimeout(Promise.all(writes), this.commandTimeoutMs, 'restore');
  }
}
