import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { type Logger } from 'pino';
import { WsBus } from '../bus/ws-bus.interface.js';
import { type Connection, internalConnection } from '../connection/connection.js';
import { type WsConnection } from '../connection/ws-connection.interface.js';
import { WsErrorCode } from '../errors/error-codes.js';
import { replyOf } from '../errors/error-mapper.js';
import { SecureWsException } from '../errors/secure-ws.exception.js';
import { messageBody, messageFrame } from '../frames/frame-writer.js';
import { type HistoryStore, WsHistoryStore } from '../history/history-store.interface.js';
import { type RoomPosition } from '../history/room-position.js';
import { resolveRootLogger } from '../logging/root-logger.js';
import { type ResolvedSecureWsOptions } from '../options/secure-ws-options.interface.js';
import { SECURE_WS_OPTIONS } from '../options/secure-ws-options.token.js';
import { deliverRoomFrame, tracedRoomFrame } from '../tracing/room-tracing.js';
import { WsTracing } from '../tracing/ws-tracing.js';
import { LocalRoom } from './local-room.js';
import { type RoomCatchUp } from './room-catch-up.js';
import { RoomHistoryReader } from './room-history-reader.js';
import { presenceMemberOf, type RoomMember, roomMemberOf } from './room-member.js';
import { ROOM_NAME_PATTERN, roomTopic } from './room-name.js';
import { RoomPolicies, type RoomPolicy } from './room-policy.js';
import { type RoomResumeResult } from './room-resume-result.js';

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
export class WsRooms implements OnModuleInit, OnModuleDestroy {
  private readonly rooms = new Map<string, LocalRoom>();
  /** The history reader of each followed room that keeps history. */
  private readonly readers = new WeakMap<LocalRoom, RoomHistoryReader>();
  private readonly memberships = new WeakMap<Connection, Membership>();
  /** The room policies gateways declared (join rules, history). */
  readonly policies: RoomPolicies;
  /** Messages of rooms with history that could not be stored (delivered on this node only). */
  private unstored = 0;
  private cachedLogger: Logger | undefined;
  private stopResumeListener: (() => void) | undefined;

  constructor(
    @Inject(WsBus) private readonly bus: WsBus,
    @Inject(SECURE_WS_OPTIONS) private readonly options: ResolvedSecureWsOptions,
    @Inject(WsHistoryStore) private readonly store: HistoryStore | undefined,
    @Inject(WsTracing) private readonly tracing: WsTracing,
  ) {
    this.policies = new RoomPolicies(options.history, store !== undefined);
  }

  /** The history store; only reached for rooms that keep history, which needs one. */
  private get history(): HistoryStore {
    if (!this.store) throw new Error('No history store with this bus');
    return this.store;
  }

  onModuleInit(): void {
    this.stopResumeListener = this.bus.onResume(() => this.catchUpAfterOutage());
  }

  onModuleDestroy(): void {
    this.stopResumeListener?.();
  }

  /**
   * The bus came back after an outage: messages stored meanwhile may not
   * have reached this node live. Every local member of a room that keeps
   * history is caught up from the last message delivered here, in order,
   * without duplicates (as a resume would).
   */
  private catchUpAfterOutage(): void {
    for (const local of this.rooms.values()) {
      if (local.last) this.readers.get(local)?.request(local.catchUpAll(local.last));
    }
  }

  /**
   * Members' catch-ups could not be completed (the history is out of reach
   * or no longer holds what they missed): rather than a silent hole, each
   * is closed RESUME_REQUIRED; the client reconnects and resumes from the
   * last message it holds.
   */
  private unrecoverable(room: string, catchUps: readonly RoomCatchUp[], error?: unknown): void {
    this.logger.warn(
      { err: error, room, connections: catchUps.length },
      'Catching members up failed: closed RESUME_REQUIRED, so that they resume',
    );
    const reply = replyOf(WsErrorCode.RESUME_REQUIRED, { details: { room } });
    for (const catchUp of catchUps) catchUp.connection.fail(reply);
  }

  /**
   * Declares, once (e.g. in a gateway's constructor), who may join some
   * rooms and whether they keep history; `requestJoin` and `session.resume`
   * both apply it.
   */
  declare(policy: RoomPolicy): void {
    this.policies.declare(policy);
  }

  /**
   * Adds the connection to the room; resolves once messages sent to the room
   * from any node will reach it (at once while the bus is degraded). The
   * server's own decision: no join rule is checked (see `requestJoin`).
   */
  async join(member: WsConnection, room: string): Promise<void> {
    await this.enter(internalConnection(member), room);
  }

  /**
   * A client asks to join: the room's join rule decides (FORBIDDEN when it
   * refuses), then the connection joins. Resolves with the room's position
   * when it keeps history (subscribed first, so nothing after it is missed).
   */
  async requestJoin(member: WsConnection, room: string): Promise<RoomPosition | undefined> {
    const connection = internalConnection(member);
    assertRoomName(room);
    if (!(await this.policies.mayJoin(connection, room))) {
      throw new SecureWsException(WsErrorCode.FORBIDDEN, 'You may not join this room');
    }
    await this.join(connection, room);
    return this.position(room).catch((error: unknown) => {
      connection.debug({ err: error, room }, 'History unavailable: joined without a position');
      return undefined;
    });
  }

  /**
   * `session.resume` for one room: the join rule, the join, then every
   * message after `offset` of `epoch`, in order, before any newer live one.
   */
  async resume(
    member: WsConnection,
    room: string,
    offset: number,
    epoch: string,
  ): Promise<RoomResumeResult> {
    const connection = internalConnection(member);
    if (!(await this.policies.mayJoin(connection, room))) {
      return { room, recovered: false, reason: 'FORBIDDEN' };
    }
    const retention = this.policies.retentionOf(room);
    if (!retention) {
      await this.join(connection, room);
      return { room, recovered: false, reason: 'HISTORY_LOST' };
    }
    let catchUp: RoomCatchUp | undefined;
    try {
      catchUp = await this.enter(connection, room, { offset, epoch });
    } catch (error) {
      if (error instanceof SecureWsException && error.code === WsErrorCode.BAD_REQUEST) {
        return { room, recovered: false, reason: 'ROOM_LIMIT' };
      }
      throw error;
    }
    const local = this.rooms.get(room);
    const reader = local && this.readers.get(local);
    if (!catchUp) return { room, recovered: false, reason: 'HISTORY_LOST' };
    if (!reader) {
      // The room was followed here before it kept history: nothing to replay from.
      local?.release(catchUp);
      return { room, recovered: false, reason: 'HISTORY_LOST' };
    }
    const outcome = await reader.answer(catchUp);
    switch (outcome.kind) {
      case 'replayed':
        return { room, recovered: true, missed: catchUp.replayed, pos: outcome.position };
      case 'unavailable':
        connection.debug({ room }, 'History unavailable for a resume');
        await this.leave(connection, room);
        return { room, recovered: false, reason: 'UNAVAILABLE' };
      case 'lost':
        return { room, recovered: false, reason: 'HISTORY_LOST', pos: outcome.position };
      case 'gone':
        return { room, recovered: false, reason: 'HISTORY_LOST' };
    }
  }

  /** The room's current position, when it keeps history. */
  async position(room: string): Promise<RoomPosition | undefined> {
    return this.policies.retentionOf(room) ? this.history.position(room) : undefined;
  }

  /**
   * Joins; with `catchingUpFrom`, the connection gets the room's messages
   * through a new catch-up from there (returned) until its replay is done.
   */
  private async enter(
    connection: Connection,
    room: string,
    catchingUpFrom?: { offset: number; epoch: string },
  ): Promise<RoomCatchUp | undefined> {
    assertRoomName(room);
    if (connection.state === 'closed') return undefined;
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
      const retention = this.policies.retentionOf(room);
      const created: LocalRoom = new LocalRoom(retention !== undefined, (catchUps) =>
        this.readers.get(created)?.request(catchUps),
      );
      if (retention) {
        this.readers.set(
          created,
          new RoomHistoryReader(created, {
            since: (from) => this.history.since(room, from.offset, from.epoch, retention),
            unrecoverable: (catchUps, error) => this.unrecoverable(room, catchUps, error),
          }),
        );
      }
      created.subscription = this.bus.subscribe(roomTopic(room), (frame, origin) =>
        deliverRoomFrame(this.tracing, room, frame, { origin, node: this.bus.nodeId }, created),
      );
      local = created;
      this.rooms.set(room, local);
      if (created.keepsHistory) this.notePosition(created, room);
    }
    let added: Promise<void> | undefined;
    const known = local.has(connection);
    const catchUp = catchingUpFrom ? local.startCatchUp(connection, catchingUpFrom) : undefined;
    if (!known) {
      if (!catchUp) local.add(connection);
      const membership = this.membershipOf(connection);
      membership.rooms.add(room);
      added = this.bus.presence.add(room, membership.presence);
    }
    await Promise.all([local.subscription.ready, added]);
    return catchUp;
  }

  /** Removes the connection from the room; nothing happens when it was not in it. */
  async leave(member: WsConnection, room: string): Promise<void> {
    const connection = internalConnection(member);
    const local = this.rooms.get(room);
    if (!local?.remove(connection)) return;
    if (local.size === 0) {
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

  /**
   * Sends `{ event, data }` to every member of the room, on every node; in a
   * room that keeps history, with `pos` (see `publish`).
   */
  send(room: string, event: string, data: unknown): void {
    if (!this.policies.retentionOf(room)) {
      this.sendFrame(room, messageFrame(event, data));
      return;
    }
    void this.publish(room, event, data);
  }

  /**
   * Sends `{ event, data }` to every member of the room, on every node. In a
   * room that keeps history it is stored first and goes out with `pos`;
   * resolves with that position. When the history store cannot be reached
   * (Redis away), it goes to this node's members only, without `pos` and
   * unstored, and resolves `undefined`, as for a room without history.
   */
  async publish(room: string, event: string, data: unknown): Promise<RoomPosition | undefined> {
    const retention = this.policies.retentionOf(room);
    if (retention) {
      try {
        // The trace goes into the body, before the `pos` the store appends.
        const body = tracedRoomFrame(this.tracing, room, `${messageBody(event, data)}}`).slice(
          0,
          -1,
        );
        return await this.history.publish(room, roomTopic(room), body, retention);
      } catch (error) {
        this.unstored += 1;
        if (this.unstored === 1 || this.unstored % 1000 === 0) {
          this.logger.warn(
            { err: error, room, unstored: this.unstored },
            'History unavailable: message delivered on this node only, without pos',
          );
        }
      }
    }
    this.sendFrame(room, messageFrame(event, data));
    return undefined;
  }

  /** Sends an already serialized frame to every member of the room, on every node (never stored). */
  sendFrame(room: string, frame: string): void {
    this.bus.publish(roomTopic(room), tracedRoomFrame(this.tracing, room, frame));
  }

  isMember(member: WsConnection, room: string): boolean {
    return this.rooms.get(room)?.has(internalConnection(member)) ?? false;
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
    return this.rooms.get(room)?.size ?? 0;
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

  /**
   * Where this node starts following a room: the room's position once
   * subscribed, unless a message arrived first (a catch-up after an outage
   * starts from here).
   */
  private notePosition(local: LocalRoom, room: string): void {
    void Promise.resolve(local.subscription.ready)
      .then(() => this.history.position(room))
      .then(
        (position) => {
          local.last ??= position;
        },
        () => undefined,
      );
  }

  private get logger(): Logger {
    this.cachedLogger ??= resolveRootLogger(this.options.logger).child({ component: 'ws-rooms' });
    return this.cachedLogger;
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
