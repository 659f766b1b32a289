/** A W3C `traceparent` value: version, trace id, parent span id, flags. */
const TRACEPARENT_LENGTH = 55;
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ALL_ZEROS = /^0+$/;

/**
 * The frame's `traceparent` when it is a valid W3C value, else `undefined`:
 * a malformed or oversized value is ignored (the message starts a fresh
 * trace), never answered with an error.
 */
export function validTraceparent(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length !== TRACEPARENT_LENGTH) return undefined;
  const match = TRACEPARENT.exec(value);
  if (!match || match[1] === 'ff') return undefined;
  if (ALL_ZEROS.test(match[2] as string) || ALL_ZEROS.test(match[3] as string)) return undefined;
  return value;
}

/** The trace id of a valid `traceparent`. */
export function traceIdOf(traceparent: string): string {
  return traceparent.slice(3, 35);
}
