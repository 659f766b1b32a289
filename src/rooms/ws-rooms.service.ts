import { Inject, Injectable } from '@nestjs/common';
import { type BusSubscription, WsBus } from '../bus/ws-bus.interface.js';
import { type Connection, internalConnection } from '../connection/connection.js';
import { type WsConnection } from '../connection/ws-connection.interface.js';
import { WsErrorCode } from '../errors/error-codes.js';
import { SecureWsException } from '../errors/secure-ws.exception.js';
import { messageFrame } from '../frames/frame-writer.js';
import { type ResolvedSecureWsOptions } from '../options/secure-ws-options.interface.js';
import { SECURE_WS_OPTIONS } from '../options/secure-ws-options.token.js';
import { presenceMemberOf, type RoomMember, roomMemberOf } from './room-member.js';
import { ROOM_NAME_PATTERN, roomTopic } from './room-name.js';

/** A room as this node sees it: its local members and its bus subscription. */
interface LocalRoom {
  readonly members: Set<Connection>;
  readonly subscription: BusSubscription;
}

/** What this node tracks of a connection that joined rooms. */
interface Membership {
  readonly rooms: Set<string>;
  /** The connection's presence entry, fixed at its first join. */
  readonly presence: string;
}

/**
 * Rooms across every node: join, leave, send to a room, list its members.
 *
 * A message to a room is serialized once and handed to the bus: this node's
 * members get it at once, from memory (the same string to each socket,
 * through `Connection.send` and its backpressure), other nodes' members
 * through the bus. A connection leaves all its rooms when it closes.
 */
@Injectable()
export class WsRooms {
  private readonly rooms = new Map<string, LocalRoom>();
  private readonly memberships = new WeakMap<Connection, Membership>();

  constructor(
    @Inject(WsBus) private readonly bus: WsBus,
    @Inject(SECURE_WS_OPTIONS) private readonly options: ResolvedSecureWsOptions,
  ) {}

  /**
   * Adds the connection to the room; resolves once messages sent to the room
   * from any node will reach it (at once while the bus is degraded).
   */
  async join(member: WsConnection, room: string): Promise<void> {
    const connection = internalConnection(member);
    assertRoomName(room);
    if (connection.state === 'closed') return;
    const limit = this.options.maxRoomsPerConnection;
    const joined = this.memberships.get(connection)?.rooms;
    if (joined && joined.size >= limit && !joined.has(room)) {
      throw new SecureWsException(
        WsErrorCode.BAD_REQUEST,
        `A connection may be in at most ${limit} rooms`,
      );
    }
    let local = this.rooms.get(room);
    if (!local) {
      const members = new Set<Connection>();
      const subscription = this.bus.subscribe(roomTopic(room), (frame) => {
        for (const member of members) member.send(frame);
      });
      local = { members, subscription };
      this.rooms.set(room, local);
    }
    let added: Promise<void> | undefined;
    if (!local.members.has(connection)) {
      local.members.add(connection);
      const membership = this.membershipOf(connection);
      membership.rooms.add(room);
      added = this.bus.presence.add(room, membership.presence);
    }
    await Promise.all([local.subscription.ready, added]);
  }

  /** Removes the connection from the room; nothing happens when it was not in it. */
  async leave(member: WsConnection, room: string): Promise<void> {
    const connection = internalConnection(member);
    const local = this.rooms.get(room);
    if (!local?.members.delete(connection)) return;
    if (local.members.size === 0) {
      this.rooms.delete(room);
      local.subscription.unsubscribe();
    }
    const membership = this.memberships.get(connection);
    if (!membership) return;
    membership.rooms.delete(room);
    await this.bus.presence.remove(room, membership.presence);
  }

  /** Removes the connection from every room (done by itself when the connection closes). */
  async leaveAll(member: WsConnection): Promise<void> {
    const connection = internalConnection(member);
    const membership = this.memberships.get(connection);
    if (!membership) return;
    await Promise.all([...membership.rooms].map((room) => this.leave(connection, room)));
  }

  /** Sends `{ event, data }` to every member of the room, on every node. */
  send(room: string, event: string, data: unknown): void {
    this.bus.publish(roomTopic(room), messageFrame(event, data));
  }

  /** Sends an already serialized frame to every member of the room, on every node. */
  sendFrame(room: string, frame: string): void {
    this.bus.publish(roomTopic(room), frame);
  }

  isMember(member: WsConnection, room: string): boolean {
    const connection = internalConnection(member);
    return this.rooms.get(room)?.members.has(connection) ?? false;
  }

  /** The rooms this connection is in. */
  roomsOf(member: WsConnection): string[] {
    const connection = internalConnection(member);
    return [...(this.memberships.get(connection)?.rooms ?? [])];
  }

  /** How many rooms have members on this node. */
  localRoomCount(): number {
    return this.rooms.size;
  }

  /** How many of the room's members are connected to this node. */
  localMemberCount(room: string): number {
    return this.rooms.get(room)?.members.size ?? 0;
  }

  /** Every member of the room on every live node (only this node's while the bus is degraded). */
  async members(room: string): Promise<RoomMember[]> {
    const entries = await this.bus.presence.members(room);
    const members: RoomMember[] = [];
    for (const entry of entries) {
      const member = roomMemberOf(entry.nodeId, entry.member);
      if (member) members.push(member);
    }
    return members;
  }

  private membershipOf(connection: Connection): Membership {
    let membership = this.memberships.get(connection);
    if (!membership) {
      membership = { rooms: new Set(), presence: presenceMemberOf(connection) };
      this.memberships.set(connection, membership);
      connection.onClose(() => {
        this.leaveAll(connection).catch((error: unknown) =>
          connection.logger.error({ err: error }, 'Leaving rooms failed'),
        );
      });
    }
    return membership;
  }
}

function assertRoomName(room: string): void {
  if (typeof room !== 'string' || !ROOM_NAME_PATTERN.test(room)) {
    throw new TypeError('A room name is 1 to 64 letters, digits, "-", "_" or ".".');
  }
}
