import { type RoomPosition } from '../history/room-position.js';

/**
 * Why a room was not recovered:
 * - `HISTORY_LOST`: joined, but messages may be missing (epoch changed, offset no longer kept);
 * - `FORBIDDEN`: the join rule refused it; not joined;
 * - `UNAVAILABLE`: the history store could not be reached; not joined, try again later;
 * - `ROOM_LIMIT`: the connection is in as many rooms as it may be; not joined.
 */
export type RoomResumeReason = 'HISTORY_LOST' | 'FORBIDDEN' | 'UNAVAILABLE' | 'ROOM_LIMIT';

/** One room of a `session.resume` reply. */
export type RoomResumeResult =
  | { room: string; recovered: true; missed: number; pos: RoomPosition }
  | { room: string; recovered: false; reason: RoomResumeReason; pos?: RoomPosition };
