import { type HistorySince } from '../history/history-store.interface.js';
import { type RoomPosition } from '../history/room-position.js';
import { type LocalRoom } from './local-room.js';
import { type RoomCatchUp } from './room-catch-up.js';

/** A failed read is tried this many times, this far apart, before the catch-ups waiting on it give up. */
const READ_ATTEMPTS = 5;
const READ_RETRY_MS = 500;
/** Reads one catch-up may need before its hole is taken for a lost history. */
const MAX_READS = 8;

/** How a catch-up a resume waits on ended. */
export type CatchUpOutcome =
  /** Every missed message went out; `position` is the room's at the last read. */
  | { readonly kind: 'replayed'; readonly position: RoomPosition }
  /** The history no longer holds what is missing; the held frames went out as they were. */
  | { readonly kind: 'lost'; readonly position?: RoomPosition }
  /** The history could not be read; the catch-up is still the connection's (the caller decides). */
  | { readonly kind: 'unavailable' }
  /** The connection left the room, or started another catch-up. */
  | { readonly kind: 'gone' };

/** What the reader needs from the rooms service. */
export interface RoomHistoryAccess {
  /** The room's history after a position (see `HistoryStore.since`). */
  readonly since: (from: { offset: number; epoch: string }) => Promise<HistorySince>;
  /**
   * Catch-ups nobody waits on could not be completed (the history is lost
   * or out of reach): their connections must be told, since they now have a hole.
   */
  readonly unrecoverable: (catchUps: readonly RoomCatchUp[], error?: unknown) => void;
}

/**
 * Brings a room's catch-ups up to date from its history, one read at a time
 * for all of them (from the lowest `delivered`), again for those that meet
 * a hole, until each went out in order or cannot: a catch-up never ends by
 * skipping what it could not read. Resumes wait on their catch-up's outcome
 * (a failed read answers them at once); the others are told through
 * `unrecoverable`.
 */
export class RoomHistoryReader {
  private readonly pending = new Set<RoomCatchUp>();
  private readonly waiting = new Map<RoomCatchUp, (outcome: CatchUpOutcome) => void>();
  private reading = false;

  constructor(
    private readonly local: LocalRoom,
    private readonly access: RoomHistoryAccess,
  ) {}

  /** These catch-ups need the history after their `delivered`. */
  request(catchUps: readonly RoomCatchUp[]): void {
    for (const catchUp of catchUps) this.pending.add(catchUp);
    if (!this.reading) void this.run();
  }

  /** A resume's catch-up: resolves with how it ended. */
  answer(catchUp: RoomCatchUp): Promise<CatchUpOutcome> {
    return new Promise((settle) => {
      this.waiting.set(catchUp, settle);
      this.request([catchUp]);
    });
  }

  private async run(): Promise<void> {
    this.reading = true;
    let failures = 0;
    try {
      while (this.pending.size > 0) {
        const batch = this.nextBatch();
        if (batch.length === 0) continue;
        const from = lowest(batch);
        let since: HistorySince;
        try {
          since = await this.access.since(from);
        } catch (error) {
          failures += 1;
          this.failed(batch, error, failures >= READ_ATTEMPTS);
          if (failures < READ_ATTEMPTS && this.pending.size > 0) await sleep(READ_RETRY_MS);
          if (failures >= READ_ATTEMPTS) failures = 0;
          continue;
        }
        failures = 0;
        const lost = batch.filter((catchUp) => !this.replay(catchUp, since));
        if (lost.length > 0) this.access.unrecoverable(lost);
      }
    } finally {
      this.reading = false;
    }
  }

  /** Pending catch-ups still current, of one epoch (another epoch waits for the next read). */
  private nextBatch(): RoomCatchUp[] {
    const batch: RoomCatchUp[] = [];
    let epoch: string | undefined;
    for (const catchUp of this.pending) {
      if (!this.local.isCurrent(catchUp)) {
        this.pending.delete(catchUp);
        this.settle(catchUp, { kind: 'gone' });
        continue;
      }
      epoch ??= catchUp.delivered.epoch;
      if (catchUp.delivered.epoch !== epoch) continue;
      this.pending.delete(catchUp);
      batch.push(catchUp);
    }
    return batch;
  }

  /** `false` when the catch-up cannot be completed and nobody waits on it. */
  private replay(catchUp: RoomCatchUp, since: HistorySince): boolean {
    if (!this.local.isCurrent(catchUp)) {
      this.settle(catchUp, { kind: 'gone' });
      return true;
    }
    catchUp.reads += 1;
    if (!since.recovered || catchUp.overflowed || catchUp.reads > MAX_READS) {
      // A new epoch: the history was lost, which the next push's `pos` shows the client.
      const epochChanged = since.position.epoch !== catchUp.delivered.epoch;
      const waiting = this.waiting.has(catchUp);
      if (!waiting && !epochChanged) return false;
      this.local.release(catchUp);
      this.settle(catchUp, { kind: 'lost', position: since.position });
      return true;
    }
    if (this.local.replay(catchUp, since.frames) === 'hole') {
      this.pending.add(catchUp);
      return true;
    }
    this.settle(catchUp, { kind: 'replayed', position: since.position });
    return true;
  }

  /**
   * A read failed: resumes are answered at once (the client tries again);
   * the others are read again, and told once the attempts are spent.
   */
  private failed(batch: readonly RoomCatchUp[], error: unknown, final: boolean): void {
    const given: RoomCatchUp[] = [];
    for (const catchUp of batch) {
      if (this.waiting.has(catchUp)) this.settle(catchUp, { kind: 'unavailable' });
      else if (final) given.push(catchUp);
      else this.pending.add(catchUp);
    }
    if (given.length > 0) this.access.unrecoverable(given, error);
  }

  private settle(catchUp: RoomCatchUp, outcome: CatchUpOutcome): void {
    const settle = this.waiting.get(catchUp);
    if (!settle) return;
    this.waiting.delete(catchUp);
    settle(outcome);
  }
}

function lowest(catchUps: readonly RoomCatchUp[]): { offset: number; epoch: string } {
  let from = (catchUps[0] as RoomCatchUp).delivered;
  for (const catchUp of catchUps) {
    if (catchUp.delivered.offset < from.offset) from = catchUp.delivered;
  }
  return from;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
