import { positionOf, type RoomPosition, type RoomPositions } from './room-positions.js';

/** The event that resumes rooms after a reconnect. */
export const RESUME_EVENT = 'session.resume';
/** Rooms the server takes per `session.resume`. */
const MAX_ROOMS_PER_RESUME = 100;

/**
 * One room after a resume: `recovered` with the number of missed messages
 * delivered, or not, with the server's reason: `HISTORY_LOST` (joined, but
 * messages may be missing: reload the room's state), `FORBIDDEN` (not
 * joined, no longer followed), `UNAVAILABLE` (tried again shortly) or
 * `ROOM_LIMIT`.
 */
export type RoomResumeResult =
  | { room: string; recovered: true; missed: number }
  | { room: string; recovered: false; reason: string };

interface ReplyRoom {
  room?: unknown;
  recovered?: unknown;
  missed?: unknown;
  reason?: unknown;
  pos?: unknown;
}

/**
 * Sends `session.resume` for `rooms` (every followed room by default), in
 * chunks the server takes, and applies each reply to the positions.
 */
export async function resumeRooms(
  positions: RoomPositions,
  request: (data: { rooms: RoomPosition[] }) => Promise<unknown>,
  rooms: RoomPosition[] = positions.all(),
): Promise<RoomResumeResult[]> {
  const results: RoomResumeResult[] = [];
  for (let start = 0; start < rooms.length; start += MAX_ROOMS_PER_RESUME) {
    const chunk = rooms.slice(start, start + MAX_ROOMS_PER_RESUME);
    const reply = (await request({ rooms: chunk })) as { rooms?: unknown } | null;
    const entries = Array.isArray(reply?.rooms) ? (reply.rooms as ReplyRoom[]) : [];
    for (const entry of entries) {
      if (typeof entry?.room !== 'string') continue;
      const position = positionOf(entry.pos);
      if (position) positions.advance(position);
      if (entry.recovered === true) {
        results.push({ room: entry.room, recovered: true, missed: Number(entry.missed ?? 0) });
        continue;
      }
      const reason = typeof entry.reason === 'string' ? entry.reason : 'HISTORY_LOST';
      if (reason === 'FORBIDDEN') positions.forget(entry.room);
      results.push({ room: entry.room, recovered: false, reason });
    }
  }
  return results;
}
