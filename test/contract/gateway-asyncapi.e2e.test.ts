import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecureWsAsyncApi } from '../../src/asyncapi/secure-ws-asyncapi.service.js';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';
import { parseStrict } from './support/asyncapi-parse.js';
import { OrderGateway } from './support/order.gateway.js';
import { SchemaGateway } from './support/schema.gateway.js';

type Doc = {
  channels: Record<
    string,
    {
      address: string;
      messages: Record<
        string,
        { payload: Record<string, unknown>; examples?: unknown[]; summary?: string }
      >;
    }
  >;
  operations: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, unknown>; securitySchemes?: unknown };
};

describe('AsyncAPI of gateways added by an app', () => {
  let t: TestApp;
  let doc: Doc;

  beforeAll(async () => {
    t = await createTestApp({ providers: [OrderGateway, SchemaGateway] });
    const document = t.app.get(SecureWsAsyncApi).document();
    await parseStrict(JSON.stringify(document));
    doc = document as unknown as Doc;
  }, 120_000); // the parser loads its whole ruleset first
  afterAll(() => t.close());

  it('is not served unless asyncapi.path is set', async () => {
    const response = await fetch(`http://127.0.0.1:${t.port}/asyncapi.json`);
    expect(response.status).toBe(404);
  });

  it('describes a DTO with its constraints: e-mail, lengths, enums, nested objects, arrays, optional fields', () => {
    const { schemas } = doc.components;
    expect(schemas.OrderDto).toEqual({
      type: 'object',
      properties: {
        email: { type: 'string', format: 'email' },
        priority: { type: 'string', enum: ['low', 'high'] },
        shipping: { $ref: '#/components/schemas/ShippingDto' },
        lines: {
          type: 'array',
          maxItems: 10,
          items: { $ref: '#/components/schemas/OrderLineDto' },
        },
        note: { type: 'string', minLength: 0, maxLength: 200 },
      },
      required: ['email', 'priority', 'shipping', 'lines'],
      additionalProperties: false,
    });
    expect(schemas.ShippingDto).toEqual({
      type: 'object',
      properties: {
        city: { type: 'string', minLength: 1, maxLength: 64 },
        speed: { enum: ['standard', 'express'], type: 'string' },
      },
      required: ['city'],
      additionalProperties: false,
    });
    expect(schemas.OrderLineDto).toEqual({
      type: 'object',
      properties: {
        sku: { type: 'string', minLength: 1, maxLength: 32 },
        quantity: { type: 'integer', minimum: 1, maximum: 99 },
      },
      required: ['sku', 'quantity'],
      additionalProperties: false,
    });
  });

  it('takes the reply, the push and the docs from @Reply, @Push and @EventDoc', () => {
    const messages = doc.channels.orders?.messages ?? {};
    expect(messages['order.place.reply']?.payload).toMatchObject({
      properties: {
        event: { const: 'order.placed' },
        data: { $ref: '#/components/schemas/OrderPlacedDto' },
      },
    });
    expect(messages['order.place.request']).toMatchObject({
      summary: 'Places an order.',
      examples: [{ payload: { event: 'order.place', data: { email: 'a@b.co' } } }],
    });
    expect(messages['order.shipped.push']).toMatchObject({
      summary: 'Pushed when an order leaves the warehouse.',
      payload: { required: ['event', 'data'], properties: { event: { const: 'order.shipped' } } },
    });
    expect(messages['plan.pick.reply']?.payload).toMatchObject({
      properties: {
        event: { const: 'plan.pick' },
        data: {
          type: 'object',
          properties: { id: { type: 'string' }, plan: { enum: ['free', 'pro'] } },
          required: ['id', 'plan'],
        },
      },
    });
  });

  it.each([
    ['zod.signup', 'zod'],
    ['valibot.signup', 'valibot (through @valibot/to-json-schema, found by itself)'],
  ])('describes the Standard Schema of %s from %s', (event) => {
    const data = doc.channels.schema?.messages[`${event}.request`]?.payload.properties as Record<
      string,
      Record<string, unknown>
    >;
    expect(data.data).toMatchObject({
      type: 'object',
      required: ['email', 'name', 'plan', 'address', 'tags'],
      properties: {
        email: { type: 'string', format: 'email' },
        name: { type: 'string', minLength: 1, maxLength: 32 },
        plan: { enum: ['free', 'pro'] },
        address: {
          type: 'object',
          properties: { city: { type: 'string', minLength: 1 } },
          required: ['city', 'zip'],
        },
        tags: {
          type: 'array',
          maxItems: 5,
          items: { type: 'object', properties: { label: { type: 'string', minLength: 1 } } },
        },
        nickname: { type: 'string' },
      },
    });
  });

  it('describes @MessageBody(property, { schema }) as that property of the payload', () => {
    const payload = doc.channels.schema?.messages['zod.rename.request']?.payload as {
      properties: Record<string, unknown>;
    };
    expect(payload.properties.data).toEqual({
      type: 'object',
      required: ['name'],
      properties: { name: { type: 'string', minLength: 2 } },
    });
  });

  it('refuses an asyncapi.path that is not a path, at start-up, in one sentence', async () => {
    await expect(
      createTestApp({ providers: [OrderGateway], module: { asyncapi: { path: 'asyncapi.json' } } }),
    ).rejects.toThrow(
      'SecureWsModule: "asyncapi.path" must be an HTTP path starting with "/", got "asyncapi.json".',
    );
  });

  it('has no security schemes when the module does not authenticate', () => {
    expect(doc.components.securitySchemes).toBeUndefined();
    expect(doc.operations['orders.order.place']?.security).toBeUndefined();
  });
});
