/** Where a message stands in its room's history: the `pos` of a push. */
export interface RoomPosition {
  readonly room: string;
  /** 1 for the room's first message, one more for each next; 0 before any. */
  readonly offset: number;
  /** Changes whenever the room's history was lost; offsets of another epoch cannot be resumed. */
  readonly epoch: string;
}

const OFFSET_KEY = '"offset":';

/**
 * The offset of a frame written with a position (`withPosition`), read back
 * from its tail without parsing it; `undefined` for a frame without `pos`.
 */
export function offsetOfFrame(frame: string): number | undefined {
  const at = frame.lastIndexOf(OFFSET_KEY);
  if (at < 0 || frame.lastIndexOf('"pos":{') < 0) return undefined;
  const start = at + OFFSET_KEY.length;
  const end = frame.indexOf(',', start);
  const offset = Number(frame.slice(start, end < 0 ? undefined : end));
  return Number.isInteger(offset) ? offset : undefined;
}

const EPOCH_KEY = '"epoch":"';

/** The offset and epoch of a frame written with a position; `undefined` for one without. */
export function positionOfFrame(frame: string): { offset: number; epoch: string } | undefined {
  const offset = offsetOfFrame(frame);
  const at = frame.lastIndexOf(EPOCH_KEY);
  if (offset === undefined || at < 0) return undefined;
  const start = at + EPOCH_KEY.length;
  return { offset, epoch: frame.slice(start, frame.indexOf('"', start)) };
}

const EPOCH_LENGTH = 8;
/** Random bytes for 32 epochs, drawn at once (an epoch goes with every history write). */
const randomPool = new Uint8Array(EPOCH_LENGTH * 32);
let poolUsed = randomPool.length;

/** A new epoch: 8 random letters and digits. */
export function newEpoch(): string {
  if (poolUsed === randomPool.length) {
    crypto.getRandomValues(randomPool);
    poolUsed = 0;
  }
  let epoch = '';
  for (const byte of randomPool.subarray(poolUsed, poolUsed + EPOCH_LENGTH)) {
    epoch += (byte % 36).toString(36);
  }
  poolUsed += EPOCH_LENGTH;
  return epoch;
}
