import { type Connection } from '../connection/connection.js';
import { positionOfFrame } from '../history/room-position.js';

/** Live frames held for one catch-up, at most: past it, the catch-up is lost. */
const MAX_HELD_FRAMES = 10_000;

/** What a live frame or a replay did to a catch-up. */
export type CatchUpStep =
  /** Still holding, or following: nothing to do. */
  | 'pending'
  /** A live frame followed the last one sent: the connection is a plain member again. */
  | 'done'
  /** Offsets are missing between what the connection has and what came: read the history again. */
  | 'hole';

/**
 * A connection catching up a room (after a resume, or when its node missed
 * messages): it must get every message after `delivered`, once, in offset
 * order, before any newer one.
 *
 * While holding, live messages are kept. A replay (the history read after
 * `delivered`) is sent, then the held frames that continue it. Where they
 * do not continue it (the node missed messages meanwhile, or the epoch
 * changed), the rest stays held and the step is `hole`: the history must
 * be read again from `delivered`. Once every held frame went out the catch-up
 * follows: live frames at or below `delivered` are dropped, the next one
 * ends it, one past the next is a `hole` again. Nothing is ever sent past a
 * missing offset.
 */
export class RoomCatchUp {
  private held: string[] | undefined = [];
  /** Messages sent from the history, over every replay. */
  replayed = 0;
  /** History reads done for this catch-up. */
  reads = 0;
  /** More live frames came than could be held: the catch-up cannot be completed. */
  overflowed = false;

  /**
   * `delivered`: the offset and epoch the connection holds (a resume's, or
   * the last message this node delivered before its gap).
   */
  constructor(
    readonly connection: Connection,
    public delivered: { offset: number; epoch: string },
  ) {}

  /** A live frame of the room. */
  take(frame: string): CatchUpStep {
    if (this.held) {
      if (this.held.length < MAX_HELD_FRAMES) this.held.push(frame);
      else this.overflowed = true;
      return 'pending';
    }
    const step = this.follow(frame);
    if (step === 'hole') this.held = [frame];
    return step;
  }

  /**
   * Sends the history read after `delivered` (`frames`, in offset order),
   * then the held frames that continue it.
   */
  replay(frames: readonly string[]): CatchUpStep {
    const held = this.held ?? [];
    this.held = undefined;
    for (const frame of frames) {
      const position = positionOfFrame(frame);
      if (!position || position.epoch !== this.delivered.epoch) continue;
      if (position.offset !== this.delivered.offset + 1) continue;
      this.connection.send(frame);
      this.delivered = position;
      this.replayed += 1;
    }
    let step: CatchUpStep = 'pending';
    for (let i = 0; i < held.length; i++) {
      const next = this.follow(held[i] as string);
      if (next === 'hole') {
        this.held = held.slice(i);
        return 'hole';
      }
      if (next === 'done') step = 'done';
    }
    return step;
  }

  /** The history is lost or cannot be read: the held frames go out as they are, and it is over. */
  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const frame of held) this.connection.send(frame);
  }

  /** A live frame once nothing is held. */
  private follow(frame: string): CatchUpStep {
    const position = positionOfFrame(frame);
    // A frame sent while the store was away has no place in the offsets.
    if (!position) {
      this.connection.send(frame);
      return 'pending';
    }
    const { offset, epoch } = this.delivered;
    if (position.epoch === epoch && position.offset <= offset) return 'pending';
    if (position.epoch !== epoch || position.offset > offset + 1) return 'hole';
    this.connection.send(frame);
    this.delivered = position;
    return 'done';
  }
}
