import { type Connection } from '../connection/connection.js';

/** One connection in a room, on some node. */
export interface RoomMember {
  readonly connectionId: string;
  /** The session's user id; `undefined` for a connection without a session. */
  readonly userId: string | undefined;
  readonly nodeId: string;
}

/** How a connection is written in a presence set. */
export function presenceMemberOf(connection: Connection): string {
  return JSON.stringify([connection.id, connection.session?.userId ?? null]);
}

export function roomMemberOf(nodeId: string, member: string): RoomMember | undefined {
  try {
    const [connectionId, userId] = JSON.parse(member) as [unknown, unknown];
    if (typeof connectionId !== 'string') return undefined;
    return { connectionId, userId: typeof userId === 'string' ? userId : undefined, nodeId };
  } catch {
    return undefined;
  }
}
