import { type Redis } from 'ioredis';
import { RedisTurnWriter } from '../bus/redis-turn-writer.js';
import { type ResolvedRoomRetention } from './history-options.js';
import { type HistorySince, type HistoryStore } from './history-store.interface.js';
import {
  EMPTY_META_TTL_MS,
  HISTORY_ORIGIN,
  historyKeys,
  META_TTL_MS,
  POSITION_SCRIPT,
  PUBLISH_SCRIPT,
  SINCE_SCRIPT,
  topicChannel,
} from './redis-history.scripts.js';
import { newEpoch, type RoomPosition } from './room-position.js';

/**
 * History in Redis, shared by every node (and by `WsEmitter`): offsets are
 * bumped, messages stored and published by one Lua script, so offsets stay
 * contiguous across nodes and every node delivers in offset order.
 *
 * Scripts go out as EVAL (not EVALSHA): after a Redis restart there is no
 * NOSCRIPT retry that could reorder one sender's messages.
 */
export class RedisHistoryStore implements HistoryStore {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    /** Published as the origin of every message, so every node (this one too) delivers it. */
    private readonly origin = HISTORY_ORIGIN,
  ) {}

  async publish(
    room: string,
    topic: string,
    body: string,
    retention: ResolvedRoomRetention,
  ): Promise<RoomPosition> {
    const [stream, meta] = historyKeys(this.keyPrefix, room);
    // With the room messages of this loop turn, in one write (see RedisTurnWriter).
    const [offset, epoch] = (await RedisTurnWriter.of(this.redis).eval(PUBLISH_SCRIPT, [
      2,
      stream,
      meta,
      newEpoch(),
      META_TTL_MS,
      body,
      room,
      retention.size,
      retention.ttlMs,
      topicChannel(this.keyPrefix, topic),
      this.origin,
    ])) as [number, string];
    return { room, offset, epoch };
  }

  async position(room: string): Promise<RoomPosition> {
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
    const [current, top, status, ...frames] = (await this.redis.eval(
      SINCE_SCRIPT,
      2,
      ...historyKeys(this.keyPrefix, room),
      newEpoch(),
      EMPTY_META_TTL_MS,
      offset,
      retention.ttlMs,
      epoch,
    )) as [string, number, number, ...string[]];
    const position = { room, offset: top, epoch: current };
    return status === 1 ? { recovered: true, frames, position } : { recovered: false, position };
  }
}
