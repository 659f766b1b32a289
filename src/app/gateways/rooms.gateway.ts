import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { type WebSocket } from 'ws';
import { Push, Reply } from '../../asyncapi/contract.decorators.js';
import { type Connection, connectionOf } from '../../connection/connection.js';
import { type WsConnection } from '../../connection/ws-connection.interface.js';
import { WsErrorCode } from '../../errors/error-codes.js';
import { SecureWsException } from '../../errors/secure-ws.exception.js';
import { WsRequestId } from '../../frames/request-id.decorator.js';
import { WsRooms } from '../../rooms/ws-rooms.service.js';
import {
  RoomDto,
  RoomJoinedDto,
  RoomMessageDto,
  RoomMessagePushDto,
  RoomSentDto,
} from '../dto/room.dto.js';

function connectionFor(client: WebSocket): Connection {
  const connection = connectionOf(client);
  if (!connection) throw new Error('Socket without a connection');
  return connection;
}

/** Who a connection speaks as: its user, or its connection id until it has a session. */
function speakerOf(connection: WsConnection): string {
  return connection.session?.userId ?? connection.id;
}

/** Member names a `room.joined` reply lists at most. */
const MAX_LISTED = 50;

/** Rooms named `user.<id>` are that user's own: nobody else may join them. */
const PRIVATE_PREFIX = 'user.';

function mayJoin(connection: WsConnection, room: string): boolean {
  return !room.startsWith(PRIVATE_PREFIX) || room === `${PRIVATE_PREFIX}${speakerOf(connection)}`;
}

/**
 * The reference app's room events, on `/ws` beside the chat gateway. Every
 * room keeps history (its pushes carry `pos`, `session.resume` recovers
 * them); `user.<id>` rooms are private to that user, for joins and resumes.
 */
@WebSocketGateway({ path: '/ws' })
@Push('room.message', RoomMessagePushDto, {
  history: true,
  summary: 'A message sent to a room, pushed to every member on every node.',
})
export class RoomsGateway {
  constructor(private readonly rooms: WsRooms) {
    rooms.declare({ history: true, canJoin: mayJoin });
  }

  @SubscribeMessage('room.join')
  @Reply('room.joined', RoomJoinedDto)
  async join(@ConnectedSocket() client: WebSocket, @MessageBody() { room }: RoomDto) {
    const pos = await this.rooms.requestJoin(connectionFor(client), room);
    const all = await this.rooms.members(room);
    const names = [...new Set(all.map((member) => member.userId ?? member.connectionId))];
    // A bounded answer: at most MAX_LISTED names, and the count when the list is cut.
    const members = names.sort().slice(0, MAX_LISTED);
    const data =
      names.length > MAX_LISTED
        ? { room, members, memberCount: names.length, pos }
        : { room, members, pos };
    return { event: 'room.joined', data };
  }

  @SubscribeMessage('room.leave')
  @Reply('room.left', RoomDto)
  async leave(@ConnectedSocket() client: WebSocket, @MessageBody() { room }: RoomDto) {
    await this.rooms.leave(connectionFor(client), room);
    return { event: 'room.left', data: { room } };
  }

  /**
   * Sends to every member. With an `id`, the sender is answered `room.sent`
   * once the message is stored, with its `pos` (`null` when it could only
   * reach this node's members); without one, nothing waits for the store.
   */
  @SubscribeMessage('room.send')
  @Reply('room.sent', RoomSentDto)
  send(
    @ConnectedSocket() client: WebSocket,
    @MessageBody() { room, text }: RoomMessageDto,
    @WsRequestId() id: string | number | undefined,
  ) {
    const connection = connectionFor(client);
    if (!this.rooms.isMember(connection, room)) {
      throw new SecureWsException(WsErrorCode.FORBIDDEN, 'Join the room before sending to it');
    }
    const stored = this.rooms.publish(room, 'room.message', {
      room,
      from: speakerOf(connection),
      text,
      at: Date.now(),
    });
    if (id === undefined) return undefined;
    return stored.then((pos) => ({ event: 'room.sent', data: { room, pos: pos ?? null } }));
  }
}
