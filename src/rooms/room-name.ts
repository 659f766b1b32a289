/** A room name: 1 to 64 letters, digits, `-`, `_` or `.`. */
export const ROOM_NAME_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** The bus topic of a room's messages. */
export function roomTopic(room: string): string {
  return `room:${room}`;
}
