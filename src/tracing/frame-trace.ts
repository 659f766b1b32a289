import { validTraceparent } from '../frames/traceparent.js';

const FIELD = ',"traceparent":"';
const VALUE_LENGTH = 55;
/** `,"traceparent":"<55 characters>"}`, the tail `stampTraceparent` writes. */
const TAIL_LENGTH = FIELD.length + VALUE_LENGTH + 2;

/** Adds `traceparent` to a serialized frame (a JSON object), as its last field. */
export function stampTraceparent(frame: string, traceparent: string): string {
  return `${frame.slice(0, -1)}${FIELD}${traceparent}"}`;
}

/** The `traceparent` that `stampTraceparent` wrote into `frame`, read without parsing it. */
export function traceparentOfFrame(frame: string): string | undefined {
  let start = frame.length - TAIL_LENGTH;
  if (start < 0) return undefined;
  // A room frame with history carries `pos` after the trace (the store appends it).
  if (!frame.startsWith(FIELD, start)) start = frame.endsWith('}}') ? frame.lastIndexOf(FIELD) : -1;
  if (start < 0) return undefined;
  return validTraceparent(frame.slice(start + FIELD.length, start + FIELD.length + VALUE_LENGTH));
}
