import { type WsBus } from '../bus/ws-bus.interface.js';
import { withPosition } from '../frames/frame-writer.js';
import { type ResolvedHistoryOptions, type ResolvedRoomRetention } from './history-options.js';
import { type HistorySince, type HistoryStore } from './history-store.interface.js';
import { newEpoch, type RoomPosition } from './room-position.js';

/** One room's ring: its epoch, its top offset, and its kept messages, oldest first. */
interface Ring {
  readonly epoch: string;
  top: number;
  /** Kept frames and when each was stored; `frames[i]` has offset `top - frames.length + 1 + i`. */
  readonly frames: string[];
  readonly times: number[];
}

/**
 * History in this process: a bounded ring per room, and bounds on the whole
 * (rooms, messages) that drop the least recently written room first (its
 * epoch changes, so a resume tells the client). Messages are delivered
 * through the bus as they are stored, in the same call, so local delivery
 * follows offset order. Offsets are this node's: across nodes, use Redis.
 */
export class InMemoryHistoryStore implements HistoryStore {
  /** In order of last write (a `Map` keeps insertion order; a write moves the room to the end). */
  private readonly rings = new Map<string, Ring>();
  private messages = 0;

  constructor(
    private readonly bus: WsBus,
    private readonly options: ResolvedHistoryOptions,
    /** Called once, at the first message stored: the bus spans nodes this store does not. */
    private acrossNodes?: () => void,
  ) {}

  async publish(
    room: string,
    topic: string,
    body: string,
    retention: ResolvedRoomRetention,
  ): Promise<RoomPosition> {
    if (this.acrossNodes) {
      this.acrossNodes();
      this.acrossNodes = undefined;
    }
    const ring = this.ringOf(room);
    this.rings.delete(room);
    this.rings.set(room, ring);
    ring.top += 1;
    const position = { room, offset: ring.top, epoch: ring.epoch };
    const frame = withPosition(body, position);
    ring.frames.push(frame);
    ring.times.push(Date.now());
    this.messages += 1;
    this.trim(ring, retention);
    this.bound(room);
    this.bus.publish(topic, frame);
    return position;
  }

  async position(room: string): Promise<RoomPosition> {
    const ring = this.ringOf(room);
    return { room, offset: ring.top, epoch: ring.epoch };
  }

  async since(
    room: string,
    offset: number,
    epoch: string,
    retention: ResolvedRoomRetention,
  ): Promise<HistorySince> {
    const ring = this.ringOf(room);
    this.trim(ring, retention);
    const position = { room, offset: ring.top, epoch: ring.epoch };
    if (epoch !== ring.epoch || offset > ring.top) return { recovered: false, position };
    const missed = ring.top - offset;
    if (missed > ring.frames.length) return { recovered: false, position };
    return { recovered: true, frames: ring.frames.slice(ring.frames.length - missed), position };
  }

  /** Messages held across every room. */
  get size(): number {
    return this.messages;
  }

  /** Rooms held (with or without messages). */
  get roomCount(): number {
    return this.rings.size;
  }

  private ringOf(room: string): Ring {
    let ring = this.rings.get(room);
    if (!ring) {
      ring = { epoch: newEpoch(), top: 0, frames: [], times: [] };
      this.rings.set(room, ring);
      this.bound(room);
    }
    return ring;
  }

  /** Drops what is past the room's size or age. */
  private trim(ring: Ring, retention: ResolvedRoomRetention): void {
    const oldest = Date.now() - retention.ttlMs;
    let drop = Math.max(ring.frames.length - retention.size, 0);
    while (drop < ring.times.length && (ring.times[drop] as number) < oldest) drop += 1;
    if (drop === 0) return;
    ring.frames.splice(0, drop);
    ring.times.splice(0, drop);
    this.messages -= drop;
  }

  /** Drops whole rooms, least recently written first, until both bounds hold; never `keep`. */
  private bound(keep: string): void {
    const { maxRooms, maxMessages } = this.options;
    for (const [room, ring] of this.rings) {
      if (this.rings.size <= maxRooms && this.messages <= maxMessages) return;
      if (room === keep) continue;
      this.rings.delete(room);
      this.messages -= ring.frames.length;
    }
  }
}
