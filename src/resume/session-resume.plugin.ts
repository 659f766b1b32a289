import { Injectable } from '@nestjs/common';
import { type Connection, internalConnection } from '../connection/connection.js';
import { withDispatchMode } from '../connection/dispatch-mode.js';
import { type SecureWsPlugin } from '../connection/plugin.interface.js';
import { type WsConnection } from '../connection/ws-connection.interface.js';
import { type OutboundMessage } from '../frames/frame.js';
import { type RoomResumeResult } from '../rooms/room-resume-result.js';
import { WsRooms } from '../rooms/ws-rooms.service.js';
import { parseResumeRequest } from './resume-request.js';

/** The event a client resumes its rooms with after a reconnect, and its reply. */
export const RESUME_EVENT = 'session.resume';

/**
 * `session.resume` (see docs/delivery.md): a module event, registered here
 * and only here, on every open JSON connection (already authenticated: a
 * resumed connection is a new one and went through authentication like any
 * other) when some room keeps history. A gateway's own `session.resume`
 * handler wins over it.
 */
@Injectable()
export class SessionResume implements SecureWsPlugin {
  constructor(private readonly rooms: WsRooms) {}

  onOpen(member: WsConnection): void {
    const connection = internalConnection(member);
    if (connection.server.format !== 'json' || !this.rooms.policies.anyHistory) return;
    if (connection.handlers.has(RESUME_EVENT)) return;
    // A module event: answered at once, never queued behind the connection's slow handlers.
    connection.handlers.set(
      RESUME_EVENT,
      withDispatchMode((data: unknown) => this.resume(connection, data), 'immediate'),
    );
  }

  /** Every room at once; each one's missed messages go out before the reply. */
  async resume(
    connection: Connection,
    data: unknown,
  ): Promise<OutboundMessage<{ rooms: RoomResumeResult[] }>> {
    const requested = parseResumeRequest(data);
    const rooms = await Promise.all(
      requested.map(({ room, offset, epoch }) =>
        this.rooms.resume(connection, room, offset, epoch),
      ),
    );
    return { event: RESUME_EVENT, data: { rooms } };
  }
}

/** The plugin list entry (see `SECURE_WS_PLUGINS`). */
export const resumePlugins = [SessionResume];
