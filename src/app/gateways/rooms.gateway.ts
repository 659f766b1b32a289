import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { type WebSocket } from 'ws';
import { type Connection, connectionOf } from '../../connection/connection.js';
import { WsErrorCode } from '../../errors/error-codes.js';
import { SecureWsException } from '../../errors/secure-ws.exception.js';
import { WsRooms } from '../../rooms/ws-rooms.service.js';
import { RoomDto, RoomMessageDto } from '../dto/room.dto.js';

function connectionFor(client: WebSocket): Connection {
  const connection = connectionOf(client);
  if (!connection) throw new Error('Socket without a connection');
  return connection;
}

/** Who a connection speaks as: its user, or its connection id until it has a session. */
function speakerOf(connection: Connection): string {
  return connection.session?.userId ?? connection.id;
}

/** Member names a `room.joined` reply lists at most. */
const MAX_LISTED = 50;

/** The reference app's room events, on `/ws` beside the chat gateway. */
@WebSocketGateway({ path: '/ws' })
export class RoomsGateway {
  constructor(private readonly rooms: WsRooms) {}

  @SubscribeMessage('room.join')
  async join(@ConnectedSocket() client: WebSocket, @MessageBody() { room }: RoomDto) {
    await this.rooms.join(connectionFor(client), room);
    const all = await this.rooms.members(room);
    const names = [...new Set(all.map((member) => member.userId ?? member.connectionId))];
    // A bounded answer: at most MAX_LISTED names, and the count when the list is cut.
    const members = names.sort().slice(0, MAX_LISTED);
    const data =
      names.length > MAX_LISTED ? { room, members, memberCount: names.length } : { room, members };
    return { event: 'room.joined', data };
  }

  @SubscribeMessage('room.leave')
  async leave(@ConnectedSocket() client: WebSocket, @MessageBody() { room }: RoomDto) {
    await this.rooms.leave(connectionFor(client), room);
    return { event: 'room.left', data: { room } };
  }

  @SubscribeMessage('room.send')
  send(@ConnectedSocket() client: WebSocket, @MessageBody() { room, text }: RoomMessageDto): void {
    const connection = connectionFor(client);
    if (!this.rooms.isMember(connection, room)) {
      throw new SecureWsException(WsErrorCode.FORBIDDEN, 'Join the room before sending to it');
    }
    this.rooms.send(room, 'room.message', {
      room,
      from: speakerOf(connection),
      text,
      at: Date.now(),
    });
  }
}
