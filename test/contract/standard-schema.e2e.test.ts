import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';
import { type WsTestClient } from '../../src/testing/ws-test-client.js';
import { SchemaGateway } from './support/schema.gateway.js';

const VALID = {
  email: 'a@b.co',
  name: 'Ada',
  plan: 'pro',
  address: { city: 'Paris', zip: '75001' },
  tags: [{ label: 'x' }, { label: 'y' }],
};

const INVALID = {
  email: 'not-an-email-SECRETVALUE',
  name: '',
  plan: 'gold',
  address: { city: 'Paris', zip: '7500' },
  tags: [{ label: 'x' }, { label: '' }],
};

describe('Standard Schema payloads (@MessageBody({ schema }))', () => {
  let t: TestApp;
  let client: WsTestClient;

  beforeAll(async () => {
    t = await createTestApp({ providers: [SchemaGateway] });
    client = await t.connect('/schema');
  });
  afterAll(() => t.close());

  it.each(['zod.signup', 'valibot.signup'])(
    '%s: a valid payload reaches the handler',
    async (event) => {
      client.send({ event, data: VALID, id: 1 });
      expect(await client.next()).toEqual({
        event: 'signed.up',
        data: { email: 'a@b.co', tags: 2 },
        id: 1,
      });
    },
  );

  it('zod: VALIDATION_FAILED with the path of every nested field, no value echoed', async () => {
    client.send({ event: 'zod.signup', data: INVALID, id: 'z' });
    const frame = await client.next<{ event: string; data: Record<string, unknown>; id: string }>();
    expect(frame).toEqual({
      event: 'error',
      data: {
        code: 'VALIDATION_FAILED',
        message: 'Validation failed',
        event: 'zod.signup',
        details: [
          { path: 'email', constraints: ['Invalid email address'] },
          { path: 'name', constraints: ['Too small: expected string to have >=1 characters'] },
          { path: 'plan', constraints: ['Invalid option: expected one of "free"|"pro"'] },
          {
            path: 'address.zip',
            constraints: ['Too small: expected string to have exactly 5 characters'],
          },
          {
            path: 'tags.1.label',
            constraints: ['Too small: expected string to have >=1 characters'],
          },
        ],
      },
      id: 'z',
    });
    expect(JSON.stringify(frame)).not.toContain('SECRETVALUE');
  });

  it('valibot: VALIDATION_FAILED with the path of every nested field, no value echoed', async () => {
    client.send({ event: 'valibot.signup', data: INVALID, id: 'v' });
    const frame = await client.next<{ event: string; data: Record<string, unknown>; id: string }>();
    expect(frame).toMatchObject({
      event: 'error',
      data: { code: 'VALIDATION_FAILED', event: 'valibot.signup' },
      id: 'v',
    });
    const details = frame.data.details as Array<{ path: string; constraints: string[] }>;
    expect(details.map((detail) => detail.path)).toEqual([
      'email',
      'name',
      'plan',
      'address.zip',
      'tags.1.label',
    ]);
    for (const detail of details) expect(detail.constraints).toHaveLength(1);
    expect(JSON.stringify(frame)).not.toContain('SECRETVALUE');
  });

  it.each(['zod.signup', 'valibot.signup'])(
    '%s: data that is not an object is VALIDATION_FAILED at the root',
    async (event) => {
      client.send({ event, data: 'nope', id: 2 });
      const error = await client.nextError('VALIDATION_FAILED');
      expect(error.details).toEqual([{ path: '', constraints: [expect.any(String)] }]);
    },
  );

  it('@MessageBody(property, { schema }): the path starts at the property', async () => {
    client.send({ event: 'zod.rename', data: { name: 'Al' }, id: 4 });
    expect(await client.next()).toEqual({ event: 'zod.rename', data: { name: 'Al' }, id: 4 });
    client.send({ event: 'zod.rename', data: { name: 'A' }, id: 5 });
    const error = await client.nextError('VALIDATION_FAILED');
    expect(error.details).toEqual([
      { path: 'name', constraints: ['Too small: expected string to have >=2 characters'] },
    ]);
  });

  it('the connection stays open and serves the next frame', async () => {
    client.send({ event: 'zod.signup', data: VALID, id: 3 });
    expect(await client.next()).toMatchObject({ event: 'signed.up', id: 3 });
  });
});

describe('Standard Schema payloads with validateAllGateways: false', () => {
  it('leaves them to the app, in this app only', async () => {
    const unvalidated = await createTestApp({
      providers: [SchemaGateway],
      module: { validateAllGateways: false },
    });
    const validated = await createTestApp({ providers: [SchemaGateway] });
    try {
      const raw = await unvalidated.connect('/schema');
      raw.send({ event: 'zod.rename', data: { name: 'A' }, id: 1 });
      expect(await raw.next()).toEqual({ event: 'zod.rename', data: { name: 'A' }, id: 1 });
      const checked = await validated.connect('/schema');
      checked.send({ event: 'zod.rename', data: { name: 'A' }, id: 2 });
      expect((await checked.nextError('VALIDATION_FAILED')).details).toEqual([
        { path: 'name', constraints: ['Too small: expected string to have >=2 characters'] },
      ]);
    } finally {
      await unvalidated.close();
      await validated.close();
    }
  });
});
