import { type WsConnection } from '../connection/ws-connection.interface.js';
import {
  type ResolvedHistoryOptions,
  type ResolvedRoomRetention,
  type RoomRetention,
  resolveRetention,
} from '../history/history-options.js';

/** Whether a client may join a room: by `room.join`-style handlers and by `session.resume` alike. */
export type RoomJoinRule = (connection: WsConnection, room: string) => boolean | Promise<boolean>;

/**
 * What a gateway declares once about some rooms (`WsRooms.declare`): who
 * may join them and whether they keep history. The first declared policy
 * whose `match` fits a room applies to it.
 */
export interface RoomPolicy {
  /**
   * The rooms it applies to: a name prefix, a pattern, or a test.
   * @default every room
   */
  match?: string | RegExp | ((room: string) => boolean);
  /**
   * Keep history: `true` with the module's retention (`history` option),
   * or a retention of its own; `false` keeps none.
   * @default the module's `history.allRooms`
   */
  history?: boolean | RoomRetention;
  /**
   * Who may join, checked by `WsRooms.requestJoin` and by `session.resume`.
   * @default everyone
   */
  canJoin?: RoomJoinRule;
}

interface DeclaredPolicy {
  readonly applies: (room: string) => boolean;
  readonly retention: ResolvedRoomRetention | undefined | 'default';
  readonly canJoin: RoomJoinRule | undefined;
}

function matcherOf(match: RoomPolicy['match']): (room: string) => boolean {
  if (match === undefined) return () => true;
  if (typeof match === 'string') return (room) => room.startsWith(match);
  if (match instanceof RegExp) return (room) => match.test(room);
  return match;
}

/** The room policies gateways declared, and the module's history defaults. */
export class RoomPolicies {
  private readonly declared: DeclaredPolicy[] = [];
  private readonly defaultRetention: ResolvedRoomRetention | undefined;

  /**
   * `available`: false with a bus across nodes that does not offer Redis:
   * no room keeps history then, whatever is declared.
   */
  constructor(
    private readonly history: ResolvedHistoryOptions,
    private readonly available = true,
  ) {
    this.defaultRetention =
      history.allRooms && available ? { size: history.size, ttlMs: history.ttlMs } : undefined;
  }

  declare(policy: RoomPolicy): void {
    const { history } = policy;
    this.declared.push({
      applies: matcherOf(policy.match),
      retention:
        history === undefined
          ? 'default'
          : history === false || !this.available
            ? undefined
            : resolveRetention(history === true ? {} : history, this.history, 'room history'),
      canJoin: policy.canJoin,
    });
  }

  /** How the room's history is kept, or `undefined` when it keeps none. */
  retentionOf(room: string): ResolvedRoomRetention | undefined {
    const policy = this.policyOf(room);
    if (!policy || policy.retention === 'default') return this.defaultRetention;
    return policy.retention;
  }

  /** Whether any room may keep history. */
  get anyHistory(): boolean {
    return (
      this.defaultRetention !== undefined ||
      this.declared.some((policy) => policy.retention !== undefined)
    );
  }

  async mayJoin(connection: WsConnection, room: string): Promise<boolean> {
    const rule = this.policyOf(room)?.canJoin;
    return rule ? (await rule(connection, room)) === true : true;
  }

  private policyOf(room: string): DeclaredPolicy | undefined {
    for (const policy of this.declared) if (policy.applies(room)) return policy;
    return undefined;
  }
}
