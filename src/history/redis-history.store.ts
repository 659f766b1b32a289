import { type Redis } from 'ioredis';
import { RedisScript } from '../bus/redis-script.js';
import { RedisTurnWriter } from '../bus/redis-turn-writer.js';
import { type ResolvedRoomRetention } from './history-options.js';
import { type HistorySince, type HistoryStore } from './history-store.interface.js';
import { opened } from './redis-handshake.js';
import {
  APPEND_SCRIPT,
  EMPTY_META_TTL_MS,
  HISTORY_ORIGIN,
  historyKeys,
  META_TTL_MS,
  POSITION_SCRIPT,
  SINCE_SCRIPT,
  topicChannel,
  UPKEEP_INTERVAL_MS,
} from './redis-history.scripts.js';
import { RoomAppends } from './redis-room-appends.js';
import { newEpoch, type RoomPosition } from './room-position.js';

const appendScript = new RedisScript(APPEND_SCRIPT);

/**
 * History in Redis, shared by every node (and by `WsEmitter`): offsets are
 * bumped, messages stored and published by one Lua script, so offsets stay
 * contiguous across nodes and every node delivers in offset order.
 *
 * The messages sent to one room in one loop turn are stored by one script
 * call (`RoomAppends`), written with the turn's other Redis commands, in
 * order (`RedisTurnWriter`); the script goes by its SHA1 once the
 * connection ran it (`RedisScript`).
 */
export class RedisHistoryStore implements HistoryStore {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    /** Published as the origin of every message, so every node (this one too) delivers it. */
    private readonly origin = HISTORY_ORIGIN,
    /**
     * The connection to store and publish on at this moment (the bus's
     * `capabilities.redis.publisher`); `redis` when not given.
     */
    private readonly publisher: () => Redis = () => redis,
  ) {}

  publish(
    room: string,
    topic: string,
    body: string,
    retention: ResolvedRoomRetention,
  ): Promise<RoomPosition> {
    const writer = RedisTurnWriter.of(this.publisher());
    const channel = topicChannel(this.keyPrefix, topic);
    const key = `${this.origin}|${channel}|${room}|${retention.size}|${retention.ttlMs}`;
    const batch = writer.batch(
      key,
      () =>
        new RoomAppends(
          key,
          {
            room,
            keys: historyKeys(this.keyPrefix, room),
            channel,
            size: retention.size,
            ttlMs: retention.ttlMs,
            upkeepMs: Math.min(UPKEEP_INTERVAL_MS, retention.ttlMs),
            metaTtlMs: META_TTL_MS,
            origin: this.origin,
          },
          appendScript,
          writer,
        ),
    );
    return batch.add(body);
  }

  async position(room: string): Promise<RoomPosition> {
    await opened(this.redis);
    const [epoch, offset] = (await this.redis.eval(
      POSITION_SCRIPT,
      2,
      ...historyKeys(this.keyPrefix, room),
      newEpoch(),
      EMPTY_META_TTL_MS,
    )) as [string, number];
    return { room, offset, epoch };
  }

  async since(
    room: string,
    offset: number,
    epoch: string,
    retention: ResolvedRoomRetention,
  ): Promise<HistorySince> {
    await opened(this.redis);
    const [current, top, status, ...frames] = (await this.redis.eval(
      SINCE_SCRIPT,
      2,
      ...historyKeys(this.keyPrefix, room),
      newEpoch(),
      EMPTY_META_TTL_MS,
      offset,
      retention.ttlMs,
      epoch,
      retention.size,
    )) as [string, number, number, ...string[]];
    const position = { room, offset: top, epoch: current };
    return status === 1 ? { recovered: true, frames, position } : { recovered: false, position };
  }
}
