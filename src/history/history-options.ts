import { checkPositiveInteger } from '../util/positive-integer.js';
/** How much of a room's history is kept. */
export interface RoomRetention {
  /**
   * The last messages of the room that are kept.
   * @default 100
   */
  size?: number;
  /**
   * How long each message is kept, in ms.
   * @default 120000 (2 minutes)
   */
  ttlMs?: number;
}

/** Room history: which rooms keep it, how much, and the in-process store's bounds. */
export interface HistoryOptions extends RoomRetention {
  /**
   * Every room keeps history unless a gateway's room policy says otherwise
   * (`WsRooms.declare`); when `false`, only rooms a policy names do.
   * @default false
   */
  allRooms?: boolean;
  /**
   * In-process store only: rooms whose history is held at once; the room
   * written least recently is dropped beyond it (its epoch changes).
   * @default 10000
   */
  maxRooms?: number;
  /**
   * In-process store only: messages held at once across every room; whole
   * rooms, least recently written first, are dropped beyond it.
   * @default 100000
   */
  maxMessages?: number;
}

export type ResolvedRoomRetention = Required<RoomRetention>;
export type ResolvedHistoryOptions = Required<HistoryOptions>;

export const DEFAULT_HISTORY_OPTIONS: ResolvedHistoryOptions = {
  size: 100,
  ttlMs: 120_000,
  allRooms: false,
  maxRooms: 10_000,
  maxMessages: 100_000,
};

const checkPositive = (name: string, value: unknown) => checkPositiveInteger(name, value);

/** Fills the defaults of a retention and checks it; `where` names it in the error. */
export function resolveRetention(
  retention: RoomRetention | undefined,
  defaults: ResolvedRoomRetention,
  where: string,
): ResolvedRoomRetention {
  checkPositive(`${where}.size`, retention?.size);
  checkPositive(`${where}.ttlMs`, retention?.ttlMs);
  return { size: retention?.size ?? defaults.size, ttlMs: retention?.ttlMs ?? defaults.ttlMs };
}

/** Fills the defaults of the `history` option and checks it. */
export function resolveHistoryOptions(options: HistoryOptions | undefined): ResolvedHistoryOptions {
  checkPositive('history.maxRooms', options?.maxRooms);
  checkPositive('history.maxMessages', options?.maxMessages);
  if (options?.allRooms !== undefined && typeof options.allRooms !== 'boolean') {
    throw new Error('SecureWsModule: "history.allRooms" must be a boolean.');
  }
  return {
    ...resolveRetention(options, DEFAULT_HISTORY_OPTIONS, 'history'),
    allRooms: options?.allRooms ?? DEFAULT_HISTORY_OPTIONS.allRooms,
    maxRooms: options?.maxRooms ?? DEFAULT_HISTORY_OPTIONS.maxRooms,
    maxMessages: options?.maxMessages ?? DEFAULT_HISTORY_OPTIONS.maxMessages,
  };
}

declare module '../options/secure-ws-options.interface.js' {
  interface SecureWsModuleOptions {
    /**
     * Room history: positions on pushes and `session.resume` (see docs/delivery.md).
     * Kept in Redis when the bus runs on Redis, else in this process.
     * @default { allRooms: false, size: 100, ttlMs: 120000, maxRooms: 10000, maxMessages: 100000 }
     */
    history?: HistoryOptions;
  }
  interface ResolvedSecureWsOptions {
    history: ResolvedHistoryOptions;
  }
}
