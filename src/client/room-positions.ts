/** Where a message stands in its room's history (the `pos` of a push). */
export interface RoomPosition {
  room: string;
  offset: number;
  epoch: string;
}

/** `value` as a position, or `undefined` when it is not one. */
export function positionOf(value: unknown): RoomPosition | undefined {
  const candidate = value as Partial<RoomPosition> | null | undefined;
  if (
    typeof candidate?.room === 'string' &&
    typeof candidate.epoch === 'string' &&
    Number.isSafeInteger(candidate.offset)
  ) {
    return { room: candidate.room, offset: candidate.offset as number, epoch: candidate.epoch };
  }
  return undefined;
}

/**
 * The last position the client holds in each room it follows: learnt from
 * joins, advanced by pushes, sent back in `session.resume` after a reconnect.
 */
export class RoomPositions {
  private readonly rooms = new Map<string, RoomPosition>();

  /**
   * A push with `pos`: `false` when it is a duplicate (same epoch, offset at
   * or below the last one held), else it becomes the room's position.
   */
  acceptPush(position: RoomPosition): boolean {
    const held = this.rooms.get(position.room);
    if (held && held.epoch === position.epoch && position.offset <= held.offset) return false;
    this.rooms.set(position.room, position);
    return true;
  }

  /**
   * A reply's `pos` (the room's position at a join): taken only for a room
   * not followed yet, since a reply may overtake the pushes before it.
   */
  learn(position: RoomPosition): void {
    if (!this.rooms.has(position.room)) this.rooms.set(position.room, position);
  }

  /** The position a resume reached: taken when it is of another epoch or further on. */
  advance(position: RoomPosition): void {
    const held = this.rooms.get(position.room);
    if (!held || held.epoch !== position.epoch || position.offset > held.offset) {
      this.rooms.set(position.room, position);
    }
  }

  get(room: string): RoomPosition | undefined {
    return this.rooms.get(room);
  }

  forget(room: string): void {
    this.rooms.delete(room);
  }

  all(): RoomPosition[] {
    return [...this.rooms.values()];
  }

  get size(): number {
    return this.rooms.size;
  }
}
