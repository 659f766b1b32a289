import { ROOM_NAME_PATTERN } from '../rooms/room-name.js';
import { ref } from './envelope.schemas.js';
import { type ErrorCodeDoc } from './error-code-docs.js';
import { type JsonSchema } from './json-schema.js';

/** One event the module itself handles or sends on every authenticated JSON gateway. */
export interface ModuleEvent {
  event: string;
  summary: string;
  request?: JsonSchema;
  reply?: JsonSchema;
  push?: JsonSchema;
}

const ROOM: JsonSchema = { type: 'string', pattern: ROOM_NAME_PATTERN.source };

/** A room's position in a reply: where the connection stands, offset 0 before any message. */
const REPLY_POSITION: JsonSchema = {
  type: 'object',
  description:
    'The position the connection is at for this room (after the replay, or the current one when not recovered).',
  required: ['room', 'offset', 'epoch'],
  properties: {
    room: { type: 'string' },
    offset: { type: 'integer', minimum: 0 },
    epoch: { type: 'string' },
  },
};

export const AUTH_EVENT: ModuleEvent = {
  event: 'auth',
  summary:
    'First-message authentication, and refresh: a fresh token for the same subject moves the session expiry.',
  request: {
    type: 'object',
    required: ['token'],
    properties: { token: { type: 'string', description: 'A JWT.' } },
  },
  reply: {
    type: 'object',
    required: ['userId', 'expiresAt'],
    properties: {
      userId: { type: 'string' },
      expiresAt: { type: 'integer', description: 'Session expiry, ms since the epoch.' },
    },
  },
};

export const SESSION_EXPIRING_EVENT: ModuleEvent = {
  event: 'session.expiring',
  summary: 'Pushed before the session expires: send `auth` with a fresh token to stay connected.',
  push: {
    type: 'object',
    required: ['expiresAt'],
    properties: { expiresAt: { type: 'integer', description: 'ms since the epoch' } },
  },
};

export const SESSION_RESUME_EVENT: ModuleEvent = {
  event: 'session.resume',
  summary:
    'After a reconnect: rejoin rooms and receive every message after the given offsets, in order, before the reply.',
  request: {
    type: 'object',
    required: ['rooms'],
    properties: {
      rooms: {
        type: 'array',
        maxItems: 100,
        items: {
          type: 'object',
          required: ['room', 'offset', 'epoch'],
          properties: {
            room: ROOM,
            offset: { type: 'integer', minimum: 0 },
            epoch: { type: 'string' },
          },
        },
      },
    },
  },
  reply: {
    type: 'object',
    required: ['rooms'],
    properties: {
      rooms: {
        type: 'array',
        items: {
          type: 'object',
          required: ['room', 'recovered'],
          properties: {
            room: { type: 'string' },
            recovered: { type: 'boolean' },
            missed: {
              type: 'integer',
              minimum: 0,
              description: 'Recovered: the messages delivered before this reply.',
            },
            reason: {
              type: 'string',
              enum: ['HISTORY_LOST', 'FORBIDDEN', 'UNAVAILABLE', 'ROOM_LIMIT'],
              description:
                'Not recovered: HISTORY_LOST (joined, messages may be missing), FORBIDDEN, UNAVAILABLE (try again shortly) or ROOM_LIMIT (not joined).',
            },
            pos: REPLY_POSITION,
          },
        },
      },
    },
  },
};

/** The `data` of an error frame, its `code` one of the table's (or an application's own). */
export function errorDataSchema(codes: ErrorCodeDoc[]): JsonSchema {
  return {
    type: 'object',
    required: ['code', 'message'],
    properties: {
      code: {
        anyOf: [
          ...codes.map(({ code, when, connection }) => ({
            const: code,
            description: `${when}. The connection: ${connection}.`,
          })),
          {
            type: 'string',
            pattern: '^[A-Z][A-Z0-9_]{1,63}$',
            description: "An application's own code (`SecureWsException`).",
          },
        ],
      },
      message: { type: 'string', maxLength: 257 },
      event: { type: 'string', description: 'The request event, when known.' },
      details: {
        description:
          'VALIDATION_FAILED: `[{ path, constraints }]`; INTERNAL: `{ ref }`. Never a stack trace or the payload.',
        anyOf: [
          { type: 'array', items: ref('ValidationDetail') },
          { type: 'object', required: ['ref'], properties: { ref: { type: 'string' } } },
          {},
        ],
      },
      retryAfterMs: { type: 'integer', minimum: 0, description: 'RATE_LIMITED: when to retry.' },
    },
  };
}
