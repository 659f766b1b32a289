import { Injectable } from '@nestjs/common';
import {
  type SecureWsPlugin,
  type WsGatewayInfo,
  type WsPluginEvents,
} from '../connection/plugin.interface.js';
import { type WsConnection } from '../connection/ws-connection.interface.js';
import { type OutboundMessage } from '../frames/frame.js';
import { type RoomResumeResult } from '../rooms/room-resume-result.js';
import { WsRooms } from '../rooms/ws-rooms.service.js';
import { parseResumeRequest } from './resume-request.js';

/** The event a client resumes its rooms with after a reconnect, and its reply. */
export const RESUME_EVENT = 'session.resume';

/**
 * `session.resume` (see docs/delivery.md): a plugin event of every JSON
 * gateway when some room keeps history, answered on open connections only
 * (already authenticated: a resumed connection is a new one and went
 * through authentication like any other). A gateway's own `session.resume`
 * handler wins over it.
 */
@Injectable()
export class SessionResume implements SecureWsPlugin {
  private readonly resumeEvents: WsPluginEvents = {
    [RESUME_EVENT]: (connection, data) => this.resume(connection, data),
  };

  constructor(private readonly rooms: WsRooms) {}

  events(_gateway: WsGatewayInfo): WsPluginEvents | undefined {
    return this.rooms.policies.anyHistory ? this.resumeEvents : undefined;
  }

  /** Every room at once; each one's missed messages go out before the reply. */
  async resume(
    connection: WsConnection,
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
