import { type JsonSchema } from './json-schema.js';

/** The envelope's own schemas, shared by every message (`components.schemas`). */
export const ENVELOPE_SCHEMAS: Record<string, JsonSchema> = {
  RequestId: {
    description: 'Request id: the reply to this frame and any error it causes carry the same `id`.',
    oneOf: [{ type: 'string', maxLength: 64 }, { type: 'integer' }],
  },
  IdempotencyKey: {
    description:
      'A request with this key runs at most once per user and key within the idempotency window; a repeat gets the same reply.',
    type: 'string',
    minLength: 1,
    maxLength: 64,
  },
  Traceparent: {
    description: 'W3C trace context: the handler runs in this trace.',
    type: 'string',
    pattern: '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$',
  },
  Position: {
    description:
      'Where a push through a room that keeps history stands: offsets of one room grow by exactly 1; a new epoch means history was lost.',
    type: 'object',
    required: ['room', 'offset', 'epoch'],
    properties: {
      room: { type: 'string' },
      offset: { type: 'integer', minimum: 1 },
      epoch: { type: 'string' },
    },
  },
  ValidationDetail: {
    type: 'object',
    required: ['path', 'constraints'],
    properties: {
      path: {
        type: 'string',
        description: 'The field path, e.g. `address.city`; never its value.',
      },
      constraints: { type: 'array', items: { type: 'string' } },
    },
  },
};

export const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

/** A client-to-server frame: `{ event, data, id, idempotencyKey, traceparent }`. */
export function requestFrame(event: string, data: JsonSchema | undefined): JsonSchema {
  return {
    type: 'object',
    required: data ? ['event', 'data'] : ['event'],
    properties: {
      event: { type: 'string', const: event },
      data: data ?? { description: 'Not read by the handler.' },
      id: ref('RequestId'),
      idempotencyKey: ref('IdempotencyKey'),
      traceparent: ref('Traceparent'),
    },
  };
}

/** A reply: `{ event, data, id }`, `id` being the request's. */
export function replyFrame(event: string, data: JsonSchema): JsonSchema {
  return {
    type: 'object',
    required: ['event', 'data'],
    properties: { event: { type: 'string', const: event }, data, id: ref('RequestId') },
  };
}

/** A push: `{ event, data }`, with `pos` when it went through a room that keeps history. */
export function pushFrame(event: string, data: JsonSchema, history: boolean): JsonSchema {
  return {
    type: 'object',
    required: history ? ['event', 'data', 'pos'] : ['event', 'data'],
    properties: {
      event: { type: 'string', const: event },
      data,
      ...(history ? { pos: ref('Position') } : {}),
    },
  };
}
