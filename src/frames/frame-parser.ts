import { WsErrorCode } from '../errors/error-codes.js';
import { replyOf, type WsErrorReply } from '../errors/error-mapper.js';
import { type InboundFrame } from './frame.js';
import { validTraceparent } from './traceparent.js';

export interface FrameLimits {
  /** Deepest nesting of objects and arrays in a frame. */
  maxDepth: number;
  /** Most object keys plus array items in a frame, counted over all levels. */
  maxKeys: number;
}

const MAX_EVENT_LENGTH = 128;
const MAX_STRING_ID_LENGTH = 64;
const MAX_IDEMPOTENCY_KEY_LENGTH = 64;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function badFrame(message: string): WsErrorReply {
  return replyOf(WsErrorCode.BAD_FRAME, { message });
}

/**
 * Walks the parsed value once, without recursion, and answers the first
 * limit it breaks. Keys that reach prototypes are refused outright.
 */
function checkShape(root: object, limits: FrameLimits): WsErrorReply | undefined {
  const stack: Array<{ value: object; depth: number }> = [{ value: root, depth: 1 }];
  let seen = 0;
  while (stack.length > 0) {
    const { value, depth } = stack.pop() as { value: object; depth: number };
    if (depth > limits.maxDepth) return badFrame(`Frame is nested deeper than ${limits.maxDepth}`);
    const isArray = Array.isArray(value);
    const children: unknown[] = isArray ? value : Object.values(value);
    seen += children.length;
    if (seen > limits.maxKeys) return badFrame(`Frame has more than ${limits.maxKeys} keys`);
    if (!isArray) {
      for (const key in value) {
        if (FORBIDDEN_KEYS.has(key)) return badFrame(`Frame contains the forbidden key "${key}"`);
      }
    }
    for (const child of children) {
      if (typeof child === 'object' && child !== null)
        stack.push({ value: child, depth: depth + 1 });
    }
  }
  return undefined;
}

function isValidId(id: unknown): id is string | number | undefined {
  return (
    id === undefined ||
    (typeof id === 'string' && id.length <= MAX_STRING_ID_LENGTH) ||
    Number.isSafeInteger(id)
  );
}

/** Reads the request id of a frame that failed later checks, when it is a valid one. */
export function idOf(value: unknown): string | number | undefined {
  const id = (value as { id?: unknown } | null)?.id;
  return isValidId(id) ? id : undefined;
}

export type ParseResult =
  | { ok: true; frame: InboundFrame }
  | { ok: false; error: WsErrorReply; event?: string; id?: string | number };

/** Parses one text frame into the contract's envelope, or says what is wrong with it. */
export function parseFrame(text: string, limits: FrameLimits): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: badFrame('Frame is not valid JSON') };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: badFrame('Frame is not a JSON object') };
  }
  const { event, data, id, idempotencyKey, traceparent } = value as Record<string, unknown>;
  const validId = idOf(value);
  if (typeof event !== 'string' || event.length === 0 || event.length > MAX_EVENT_LENGTH) {
    return {
      ok: false,
      error: badFrame(`Frame needs an "event" string of 1 to ${MAX_EVENT_LENGTH} characters`),
      id: validId,
    };
  }
  if (!isValidId(id)) {
    return {
      ok: false,
      error: badFrame(
        `"id" must be a string of at most ${MAX_STRING_ID_LENGTH} characters or an integer`,
      ),
      event,
    };
  }
  if (
    idempotencyKey !== undefined &&
    (typeof idempotencyKey !== 'string' ||
      idempotencyKey.length === 0 ||
      idempotencyKey.length > MAX_IDEMPOTENCY_KEY_LENGTH)
  ) {
    return {
      ok: false,
      error: badFrame(
        `"idempotencyKey" must be a string of 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`,
      ),
      event,
      id,
    };
  }
  const shapeError = checkShape(value, limits);
  if (shapeError) return { ok: false, error: shapeError, event, id };
  return {
    ok: true,
    frame: { event, data, id, idempotencyKey, traceparent: validTraceparent(traceparent) },
  };
}
