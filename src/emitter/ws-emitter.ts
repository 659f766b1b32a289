import type { Redis } from 'ioredis';
import { ioredis } from '../bus/ioredis.js';
import { messageBody, messageFrame } from '../frames/frame-writer.js';
import {
  DEFAULT_HISTORY_OPTIONS,
  type RoomRetention,
  resolveRetention,
} from '../history/history-options.js';
import { topicChannel } from '../history/redis-history.scripts.js';
import { RedisHistoryStore } from '../history/redis-history.store.js';
import { type RoomPosition } from '../history/room-position.js';
import { ROOM_NAME_PATTERN, roomTopic } from '../rooms/room-name.js';
import { USERS_TOPIC, type UserMessage } from '../rooms/users-topic.js';

/** The origin the emitter publishes bus messages under: never a node id, so every node delivers them. */
const EMITTER_ORIGIN = 'emitter';

export interface WsEmitterOptions {
  /** `redis://…` of the gateways' Redis (their `redis.url`), unless `redis` is given. */
  url?: string;
  /** A connection of your own to use instead of `url`; the emitter does not close it. */
  redis?: Redis;
  /**
   * The gateways' `redis.keyPrefix`.
   * @default 'secure-ws:'
   */
  keyPrefix?: string;
  /**
   * Retention of the rooms it publishes to, as the gateways declare it;
   * `false` for rooms that keep no history (pushes without `pos`).
   * @default { size: 100, ttlMs: 120000 }
   */
  history?: RoomRetention | false;
}

export interface EmitToRoomOptions {
  /** This room's retention, or `false`: no history, no `pos`. @default the emitter's `history` */
  history?: RoomRetention | false;
}

/**
 * Publishes to rooms and users of gateways that share a Redis, from any
 * Node process (a worker, an HTTP service): no Nest app, no WebSocket
 * server. It writes the same keys and channels as the gateways' bus, so
 * members on every node get the message, with `pos` when the room keeps
 * history (offsets shared with the gateways' own messages).
 */
export class WsEmitter {
  private readonly redis: Redis;
  private readonly ownsConnection: boolean;
  private readonly keyPrefix: string;
  private readonly history: RedisHistoryStore;
  private readonly retention: Required<RoomRetention> | false;

  constructor(options: WsEmitterOptions) {
    if (options.redis) {
      this.redis = options.redis;
      this.ownsConnection = false;
    } else if (typeof options.url === 'string' && /^rediss?:\/\//.test(options.url)) {
      const { Redis } = ioredis();
      this.redis = new Redis(options.url, { maxRetriesPerRequest: 3 });
      this.ownsConnection = true;
    } else {
      throw new Error('WsEmitter: give "url" (a redis:// or rediss:// URL) or "redis".');
    }
    this.keyPrefix = options.keyPrefix ?? 'secure-ws:';
    this.retention =
      options.history === false
        ? false
        : resolveRetention(options.history, DEFAULT_HISTORY_OPTIONS, 'WsEmitter history');
    this.history = new RedisHistoryStore(this.redis, this.keyPrefix, EMITTER_ORIGIN);
  }

  /**
   * `{ event, data }` to every member of the room on every node. Resolves
   * with the message's position once stored, `undefined` without history.
   */
  async toRoom(
    room: string,
    event: string,
    data: unknown,
    options: EmitToRoomOptions = {},
  ): Promise<RoomPosition | undefined> {
    if (typeof room !== 'string' || !ROOM_NAME_PATTERN.test(room)) {
      throw new TypeError('WsEmitter: a room name is 1 to 64 letters, digits, "-", "_" or ".".');
    }
    const retention =
      options.history === undefined
        ? this.retention
        : options.history === false
          ? false
          : resolveRetention(options.history, DEFAULT_HISTORY_OPTIONS, 'WsEmitter history');
    if (retention) {
      return this.history.publish(room, roomTopic(room), messageBody(event, data), retention);
    }
    await this.publish(roomTopic(room), messageFrame(event, data));
    return undefined;
  }

  /** `{ event, data }` to every connection of the user, on every node. */
  async toUser(userId: string, event: string, data: unknown): Promise<void> {
    const message: UserMessage = { userId, frame: messageFrame(event, data) };
    await this.publish(USERS_TOPIC, JSON.stringify(message));
  }

  /** Closes its Redis connection (not one it was given). */
  async close(): Promise<void> {
    if (this.ownsConnection) await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private async publish(topic: string, message: string): Promise<void> {
    await this.redis.publish(topicChannel(this.keyPrefix, topic), `${EMITTER_ORIGIN}|${message}`);
  }
}
