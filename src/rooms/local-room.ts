import { type BusSubscription } from '../bus/ws-bus.interface.js';
import { type Connection } from '../connection/connection.js';
import { EncodedFrame } from '../frames/encoded-frame.js';
import { positionOfFrame } from '../history/room-position.js';
import { RoomCatchUp } from './room-catch-up.js';

const NO_SUBSCRIPTION: BusSubscription = {
  ready: Promise.resolve(),
  unsubscribe: () => undefined,
};

/**
 * A room as this node sees it: its local members, those catching up (after
 * a resume or a gap: they get the room's messages through their catch-up
 * until it is over), its bus subscription, and where this node stands in
 * the room's history.
 */
export class LocalRoom {
  readonly members = new Set<Connection>();
  private catchUps: Map<Connection, RoomCatchUp> | undefined;
  subscription: BusSubscription = NO_SUBSCRIPTION;
  /** The position of the last stored message delivered here: where a catch-up after an outage starts. */
  last: { offset: number; epoch: string } | undefined;

  /**
   * `keepsHistory`: fixed when this node starts following the room.
   * `onHole`: these catch-ups need the history read (again) after their
   * `delivered`; a message arrived past the next offset (this node missed
   * some, e.g. while its Redis subscription was down) and the members
   * were moved to catch-ups before it went out, or a catch-up met a gap.
   */
  constructor(
    readonly keepsHistory: boolean,
    private readonly onHole: (catchUps: RoomCatchUp[]) => void = () => undefined,
  ) {}

  /** A message of the room, from the bus: to every member, one serialized frame. */
  deliver(frame: string): void {
    // Frames without `pos` (sent while the store was away) are no place to catch up from.
    if (this.keepsHistory) this.advance(frame);
    const members = this.members;
    if (members.size > 0) {
      const payload = members.size === 1 ? frame : new EncodedFrame(frame);
      for (const member of members) member.send(payload);
    }
    if (this.catchUps) {
      let holes: RoomCatchUp[] | undefined;
      for (const [connection, catchUp] of this.catchUps) {
        const step = catchUp.take(frame);
        if (step === 'done') this.graduate(connection);
        else if (step === 'hole') {
          holes ??= [];
          holes.push(catchUp);
        }
      }
      if (holes) this.onHole(holes);
    }
  }

  private advance(frame: string): void {
    const position = positionOfFrame(frame);
    if (!position) return;
    const last = this.last;
    if (last && last.epoch === position.epoch) {
      if (position.offset <= last.offset) return;
      if (position.offset > last.offset + 1 && this.members.size > 0) {
        this.onHole(this.catchUpAll(last));
      }
    }
    this.last = position;
  }

  has(connection: Connection): boolean {
    return this.members.has(connection) || this.catchUps?.has(connection) === true;
  }

  get size(): number {
    return this.members.size + (this.catchUps?.size ?? 0);
  }

  /** Adds a member; one catching up stays so until its catch-up is over. */
  add(connection: Connection): void {
    if (!this.catchUps?.has(connection)) this.members.add(connection);
  }

  /**
   * The connection (a member or not yet) now gets the room's messages
   * through a new catch-up from `delivered`.
   */
  startCatchUp(connection: Connection, delivered: { offset: number; epoch: string }): RoomCatchUp {
    const catchUp = new RoomCatchUp(connection, delivered);
    this.members.delete(connection);
    this.catchUps ??= new Map();
    this.catchUps.set(connection, catchUp);
    return catchUp;
  }

  /** Every plain member starts a catch-up from `delivered` (this node missed messages after it). */
  catchUpAll(delivered: { offset: number; epoch: string }): RoomCatchUp[] {
    return [...this.members].map((member) => this.startCatchUp(member, delivered));
  }

  /** Whether the catch-up is still the connection's (it neither left nor started another). */
  isCurrent(catchUp: RoomCatchUp): boolean {
    return this.catchUps?.get(catchUp.connection) === catchUp;
  }

  /**
   * Replays the history read after the catch-up's `delivered`, if it is
   * still current; `hole` when the history must be read again.
   */
  replay(catchUp: RoomCatchUp, frames: readonly string[]): 'pending' | 'hole' {
    if (!this.isCurrent(catchUp)) return 'pending';
    const step = catchUp.replay(frames);
    if (step === 'done') this.graduate(catchUp.connection);
    return step === 'hole' ? 'hole' : 'pending';
  }

  /** Ends a current catch-up without a replay: its held frames go out as they are. */
  release(catchUp: RoomCatchUp): void {
    if (!this.isCurrent(catchUp)) return;
    catchUp.release();
    this.graduate(catchUp.connection);
  }

  /** Removes the connection; `true` when it was in the room. */
  remove(connection: Connection): boolean {
    const wasMember = this.members.delete(connection);
    const wasCatchingUp = this.catchUps?.delete(connection) === true;
    if (this.catchUps?.size === 0) this.catchUps = undefined;
    return wasMember || wasCatchingUp;
  }

  /** A catch-up is over: the connection gets the room's messages as a plain member. */
  private graduate(connection: Connection): void {
    if (!this.catchUps?.delete(connection)) return;
    if (this.catchUps.size === 0) this.catchUps = undefined;
    this.members.add(connection);
  }
}
