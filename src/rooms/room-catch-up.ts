import { type Connection } from '../connection/connection.js';
import { offsetOfFrame } from '../history/room-position.js';

/** Live frames held for one resuming connection, at most: past it, the resume is told lost. */
const MAX_HELD_FRAMES = 10_000;

/**
 * A connection resuming a room: while its missed messages are replayed,
 * live messages of the room are held; after the replay they go out, minus
 * those at or below the last replayed offset, and that floor stays until a
 * live message above it arrives (live delivery follows offset order, so
 * none at or below it can come after that one). Then the connection is a
 * plain member again.
 */
export class RoomCatchUp {
  private held: string[] | undefined = [];
  private floor = 0;
  /** More live frames came during the replay than could be held. */
  overflowed = false;

  constructor(readonly connection: Connection) {}

  /**
   * A live frame of the room; `true` once the connection no longer needs
   * a catch-up (it becomes a plain member).
   */
  take(frame: string): boolean {
    if (this.held) {
      if (this.held.length < MAX_HELD_FRAMES) this.held.push(frame);
      else this.overflowed = true;
      return false;
    }
    const offset = offsetOfFrame(frame);
    if (offset === undefined) {
      this.connection.send(frame);
      return false;
    }
    if (offset <= this.floor) return false;
    this.connection.send(frame);
    return true;
  }

  /**
   * Sends the replayed frames, then the held ones above the last replayed
   * offset (`floor`); `true` when the catch-up is over already.
   */
  replay(frames: readonly string[], floor: number): boolean {
    const held = this.held ?? [];
    this.held = undefined;
    this.floor = floor;
    for (const frame of frames) this.connection.send(frame);
    let done = false;
    for (const frame of held) {
      if (this.take(frame)) done = true;
    }
    return done;
  }
}
