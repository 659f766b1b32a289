import { WsErrorCode } from '../errors/error-codes.js';
import { SecureWsException } from '../errors/secure-ws.exception.js';
import { ROOM_NAME_PATTERN } from '../rooms/room-name.js';

/** Rooms one `session.resume` may name; above it the frame is answered BAD_FRAME. */
export const MAX_RESUME_ROOMS = 100;
const MAX_EPOCH_LENGTH = 64;

/** One room of a `session.resume` request: the last position the client holds. */
export interface ResumeRoom {
  room: string;
  offset: number;
  epoch: string;
}

interface Detail {
  path: string;
  constraints: string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function problemsOf(entry: unknown, index: number, seen: Set<string>): Detail[] {
  const at = `rooms.${index}`;
  if (!isRecord(entry)) return [{ path: at, constraints: [`${at} must be an object`] }];
  const details: Detail[] = [];
  const { room, offset, epoch } = entry;
  if (typeof room !== 'string' || !ROOM_NAME_PATTERN.test(room)) {
    details.push({
      path: `${at}.room`,
      constraints: ['room must be 1 to 64 letters, digits, "-", "_" or "."'],
    });
  } else if (seen.has(room)) {
    details.push({ path: `${at}.room`, constraints: ['room must appear once'] });
  } else {
    seen.add(room);
  }
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
    details.push({
      path: `${at}.offset`,
      constraints: ['offset must be an integer of at least 0'],
    });
  }
  if (typeof epoch !== 'string' || epoch.length === 0 || epoch.length > MAX_EPOCH_LENGTH) {
    details.push({
      path: `${at}.epoch`,
      constraints: [`epoch must be a string of 1 to ${MAX_EPOCH_LENGTH} characters`],
    });
  }
  return details;
}

/**
 * Checks `session.resume`'s data: more than 100 rooms is BAD_FRAME (as the
 * contract says); any other bad shape is VALIDATION_FAILED with the paths.
 * An epoch that is well formed but unknown is not an error: that room is
 * answered `HISTORY_LOST`.
 */
export function parseResumeRequest(data: unknown): ResumeRoom[] {
  const rooms = isRecord(data) ? data.rooms : undefined;
  if (!Array.isArray(rooms)) {
    throw new SecureWsException(WsErrorCode.VALIDATION_FAILED, 'Validation failed', {
      details: [{ path: 'rooms', constraints: ['rooms must be an array'] }],
    });
  }
  if (rooms.length > MAX_RESUME_ROOMS) {
    throw new SecureWsException(
      WsErrorCode.BAD_FRAME,
      `A resume names at most ${MAX_RESUME_ROOMS} rooms`,
    );
  }
  const seen = new Set<string>();
  const details = rooms.flatMap((entry, index) => problemsOf(entry, index, seen));
  if (details.length > 0) {
    throw new SecureWsException(WsErrorCode.VALIDATION_FAILED, 'Validation failed', {
      details: details.slice(0, 20),
    });
  }
  return rooms as ResumeRoom[];
}
