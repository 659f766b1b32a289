import { type ResolvedRoomRetention } from './history-options.js';
import { type RoomPosition } from './room-position.js';

/** What a store answers to "what did I miss after this position". */
export type HistorySince =
  /** Every message after the offset, in order (maybe none), and the room's current position. */
  | {
      readonly recovered: true;
      readonly frames: readonly string[];
      readonly position: RoomPosition;
    }
  /** The epoch changed or the messages are no longer kept; `position` is the room's current one. */
  | { readonly recovered: false; readonly position: RoomPosition };

/**
 * Rooms' history: a message gets the room's next offset, is kept, and
 * reaches the room's subscribers on every node, in offset order, in one
 * step. The in-process store (default) and the Redis store implement it.
 */
export interface HistoryStore {
  /**
   * Stores the message and delivers it on `topic` of the bus (the room's), with
   * `pos` appended to `body` (a frame's JSON without its closing brace, see
   * `messageBody`). Resolves with its position; rejects when it could not
   * be stored (nothing was delivered then).
   */
  publish(
    room: string,
    topic: string,
    body: string,
    retention: ResolvedRoomRetention,
  ): Promise<RoomPosition>;
  /** The room's current position (offset 0 and a fresh epoch for a room without history). */
  position(room: string): Promise<RoomPosition>;
  /** The messages of `room` after `offset` of `epoch`, as delivered frames. */
  since(
    room: string,
    offset: number,
    epoch: string,
    retention: ResolvedRoomRetention,
  ): Promise<HistorySince>;
}

/** Injection token of the app's `HistoryStore`. */
export const WsHistoryStore = Symbol('WsHistoryStore');
