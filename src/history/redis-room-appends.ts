import { type Command } from 'ioredis';
import { isNoScript, type RedisScript } from '../bus/redis-script.js';
import { type RedisTurnWriter, type TurnBatch } from '../bus/redis-turn-writer.js';
import { newEpoch, type RoomPosition } from './room-position.js';

/** What the messages of one batch share: their room, its keys and channel, retention, origin. */
export interface RoomAppendTarget {
  readonly room: string;
  readonly keys: readonly [stream: string, meta: string];
  readonly channel: string;
  readonly size: number;
  readonly ttlMs: number;
  /** The longest the room's keys go without upkeep (see `UPKEEP_INTERVAL_MS`). */
  readonly upkeepMs: number;
  readonly metaTtlMs: number;
  readonly origin: string;
}

interface Waiting {
  resolve(position: RoomPosition): void;
  reject(error: unknown): void;
}

/**
 * The messages one node sends to one room in one loop turn, stored and
 * published by one call of the append script (see `APPEND_SCRIPT`): one
 * command, one reply, however many messages; each message's promise
 * settles with its own position, offsets consecutive in the order sent.
 */
export class RoomAppends implements TurnBatch {
  private readonly bodies: string[] = [];
  private readonly waiting: Waiting[] = [];

  constructor(
    readonly key: string,
    private readonly target: RoomAppendTarget,
    private readonly script: RedisScript,
    private readonly writer: RedisTurnWriter,
  ) {}

  /** Joins a message (a frame's JSON without its closing brace); resolves with its position. */
  add(body: string): Promise<RoomPosition> {
    this.bodies.push(body);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  toCommand(): Command {
    const { keys, room, size, ttlMs, upkeepMs, metaTtlMs, channel, origin } = this.target;
    const args = [2, ...keys, newEpoch(), metaTtlMs, room, size, ttlMs, channel, origin, upkeepMs];
    for (const body of this.bodies) args.push(body);
    const redis = this.writer.redis;
    const command = this.script.command(redis, args);
    void command.promise.then(this.settle, (error: unknown) => {
      if (!isNoScript(error)) return this.fail(error);
      return this.writer.send(this.script.retry(redis, args)).then(this.settle, this.fail);
    });
    return command;
  }

  private readonly settle = (reply: unknown): void => {
    const [first, epoch] = reply as [number, string];
    const { room } = this.target;
    let offset = first;
    for (const waiting of this.waiting) waiting.resolve({ room, offset: offset++, epoch });
  };

  private readonly fail = (error: unknown): void => {
    for (const waiting of this.waiting) waiting.reject(error);
  };
}
