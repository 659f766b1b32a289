import 'reflect-metadata';
import { type INestApplication, type Type } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatGateway } from '../../src/app/gateways/chat.gateway.js';
import { DeliveryGateway } from '../../src/app/gateways/delivery.gateway.js';
import { RoomsGateway } from '../../src/app/gateways/rooms.gateway.js';
import { CLOSE_CODE_OF, WsCloseCode, WsErrorCode } from '../../src/errors/error-codes.js';
import { handlerNames } from '../../src/lifecycle/dto-handlers.js';
import { MESSAGE_METADATA } from '../../src/nest/internals.js';
import { bootReferenceApp, httpPort } from '../support/reference-app.js';
import { type OperationSummary, parseStrict } from './support/asyncapi-parse.js';

/** Every `@SubscribeMessage` event of a gateway class. */
function eventsOf(gateway: Type): string[] {
  const prototype = gateway.prototype as Record<string, object>;
  return handlerNames(gateway).map((name) =>
    String(Reflect.getMetadata(MESSAGE_METADATA, prototype[name] as object)),
  );
}

describe("the reference app's AsyncAPI document", () => {
  let app: INestApplication;
  let http: string;
  let raw: Record<string, unknown>;
  let operations: OperationSummary[];

  beforeAll(async () => {
    app = await bootReferenceApp({ JWT_SECRET: 'reference-app-test-secret-0123456789' });
    http = `http://127.0.0.1:${httpPort(app)}`;
    const response = await fetch(`${http}/asyncapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const text = await response.text();
    raw = JSON.parse(text);
    ({ operations } = await parseStrict(text));
  }, 120_000); // the parser loads its whole ruleset first: seconds on a loaded machine
  afterAll(() => app.close());

  const operation = (id: string) => operations.find((candidate) => candidate.id === id);

  it('is AsyncAPI 3.0 with the server the client asked (GET /asyncapi.json)', () => {
    expect(raw.asyncapi).toBe('3.0.0');
    expect(raw.info).toMatchObject({ title: 'nestjs-secure-ws reference app', version: '0.1.0' });
    expect(raw.servers).toEqual({
      default: {
        host: http.slice('http://'.length),
        protocol: 'ws',
        description: expect.any(String),
      },
    });
  });

  it('has one channel per gateway path, with its format', () => {
    const channels = raw.channels as Record<string, { address: string; description: string }>;
    expect(Object.values(channels).map((channel) => channel.address)).toEqual([
      '/seed/echo',
      '/seed/secure',
      '/ws',
    ]);
    expect(channels['seed-echo']?.description).toMatch(/^Plain text/);
    expect(channels.ws?.description).toMatch(/^JSON frames/);
  });

  it('lists every request event with its reply event, and the error frame as a possible answer', () => {
    const expected: Array<[string, string[]]> = [
      ['echo', ['echo', 'error']],
      ['whoami', ['whoami', 'error']],
      ['profile.update', ['profile.updated', 'error']],
      ['room.join', ['room.joined', 'error']],
      ['room.leave', ['room.left', 'error']],
      ['room.send', ['room.sent', 'error']],
      ['counter.increment', ['counter.incremented', 'error']],
      ['work', ['work.done', 'error']],
      ['auth', ['auth', 'error']],
      ['session.resume', ['session.resume', 'error']],
    ];
    for (const [event, replies] of expected) {
      expect(operation(`ws.${event}`), event).toEqual({
        id: `ws.${event}`,
        action: 'receive',
        events: [event],
        replies,
      });
    }
    expect(operation('seed-echo.text')).toMatchObject({ events: ['text'], replies: ['text'] });
  });

  it('has an operation for every handler of the gateways on /ws', () => {
    const gateways = [ChatGateway, RoomsGateway, DeliveryGateway];
    for (const event of gateways.flatMap(eventsOf)) {
      expect(operation(`ws.${event}`), event).toBeDefined();
    }
  });

  it('declares every reply on /ws, with the positions rooms answer', () => {
    const messages = (raw.channels as Record<string, { messages: Record<string, unknown> }>).ws
      ?.messages as Record<string, { payload: { properties: { data: unknown } } }>;
    for (const [id, message] of Object.entries(messages)) {
      if (id.endsWith('.reply')) {
        expect(JSON.stringify(message.payload.properties.data), id).not.toContain('Not declared');
      }
    }
    const schemas = (raw.components as { schemas: Record<string, unknown> }).schemas;
    const position = { $ref: '#/components/schemas/RoomPositionDto' };
    expect(schemas.RoomPositionDto).toEqual({
      type: 'object',
      properties: {
        room: { type: 'string' },
        offset: { type: 'integer', minimum: 0 },
        epoch: { type: 'string' },
      },
      required: ['room', 'offset', 'epoch'],
      additionalProperties: false,
    });
    expect(schemas.RoomJoinedDto).toMatchObject({
      properties: { pos: position, memberCount: { type: 'integer', minimum: 0 } },
      required: ['members', 'room'],
    });
    expect(schemas.RoomSentDto).toMatchObject({
      properties: { pos: { anyOf: [position, { type: 'null' }] } },
      required: ['pos', 'room'],
    });
    expect(schemas.CounterIncrementedDto).toMatchObject({ required: ['value'] });
    expect(schemas.WorkDoneDto).toMatchObject({ required: ['ms'] });
    const resumed = messages['session.resume.reply']?.payload.properties.data as {
      properties: { rooms: { items: { required: string[]; properties: Record<string, unknown> } } };
    };
    expect(resumed.properties.rooms.items.required).toEqual(['room', 'recovered']);
    expect(Object.keys(resumed.properties.rooms.items.properties)).toEqual([
      'room',
      'recovered',
      'missed',
      'reason',
      'pos',
    ]);
    expect(resumed.properties.rooms.items.properties.reason).toMatchObject({
      enum: ['HISTORY_LOST', 'FORBIDDEN', 'UNAVAILABLE', 'ROOM_LIMIT'],
    });
  });

  it('lists the pushes: room messages with their position, session notices, error frames', () => {
    for (const event of ['room.message', 'session.expiring']) {
      expect(operation(`ws.${event}.push`)).toMatchObject({ action: 'send', events: [event] });
    }
    expect(operation('ws.error')).toMatchObject({ action: 'send', events: ['error'] });
    const messages = (raw.channels as Record<string, { messages: Record<string, unknown> }>).ws
      ?.messages;
    expect(messages?.['room.message.push']).toMatchObject({
      payload: {
        required: ['event', 'data', 'pos'],
        properties: { pos: { $ref: '#/components/schemas/Position' } },
      },
    });
  });

  it('describes request payloads from the DTOs, with their constraints', () => {
    const schemas = (raw.components as { schemas: Record<string, unknown> }).schemas;
    expect(schemas.ProfileUpdateDto).toEqual({
      type: 'object',
      properties: {
        email: { type: 'string', format: 'email' },
        displayName: { type: 'string', minLength: 1, maxLength: 64 },
      },
      required: ['email'],
      additionalProperties: false,
    });
    expect(schemas.RoomDto).toMatchObject({
      properties: { room: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' } },
    });
  });

  it('has the envelope fields on every request', () => {
    const request = (raw.channels as Record<string, { messages: Record<string, unknown> }>).ws
      ?.messages['profile.update.request'];
    expect(request).toMatchObject({
      payload: {
        required: ['event', 'data'],
        properties: {
          event: { const: 'profile.update' },
          data: { $ref: '#/components/schemas/ProfileUpdateDto' },
          id: { $ref: '#/components/schemas/RequestId' },
          idempotencyKey: { $ref: '#/components/schemas/IdempotencyKey' },
          traceparent: { $ref: '#/components/schemas/Traceparent' },
        },
      },
    });
  });

  it('lists every error code with its close code, and every close code', () => {
    const codes = raw['x-error-codes'] as Array<{ code: string; closeCode?: number }>;
    expect(codes.map((row) => row.code)).toEqual(Object.values(WsErrorCode));
    for (const row of codes) expect(row.closeCode).toBe(CLOSE_CODE_OF[row.code as WsErrorCode]);
    const closeCodes = raw['x-close-codes'] as Array<{ code: number }>;
    expect(closeCodes.map((row) => row.code)).toEqual(Object.values(WsCloseCode));
    const errorData = (
      raw.components as {
        schemas: Record<string, { properties: { code: { anyOf: Array<{ const?: string }> } } }>;
      }
    ).schemas.ErrorData;
    const consts = errorData?.properties.code.anyOf.map((entry) => entry.const).filter(Boolean);
    expect(consts).toEqual(Object.values(WsErrorCode));
    const description = (raw.info as { description: string }).description;
    for (const code of Object.values(WsErrorCode)) expect(description).toContain(`| \`${code}\` |`);
  });

  it('describes how a client authenticates: every token source, on the authenticated channel only', () => {
    const schemes = (raw.components as { securitySchemes: Record<string, { type: string }> })
      .securitySchemes;
    expect(Object.keys(schemes)).toEqual([
      'bearerHeader',
      'subprotocol',
      'cookie',
      'query',
      'firstMessage',
    ]);
    const operationsById = raw.operations as Record<string, { security?: Array<{ $ref: string }> }>;
    expect(operationsById['ws.echo']?.security?.map((entry) => entry.$ref)).toEqual([
      '#/components/securitySchemes/bearerHeader',
      '#/components/securitySchemes/subprotocol',
      '#/components/securitySchemes/firstMessage',
    ]);
    expect(operationsById['seed-echo.text']?.security).toBeUndefined();
  });
});
