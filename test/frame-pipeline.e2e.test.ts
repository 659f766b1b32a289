import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../src/testing/test-app.js';
import { type WsTestClient } from '../src/testing/ws-test-client.js';
import { ProbeGateway } from './support/probe.gateway.js';

describe('one frame pipeline, one error funnel', () => {
  let t: TestApp;
  let client: WsTestClient;

  beforeAll(async () => {
    t = await createTestApp({ providers: [ProbeGateway] });
    client = await t.connect('/probe');
  });
  afterAll(() => t.close());

  it('replies with the request event, data and id', async () => {
    client.send({ event: 'echo', data: { text: 'hi' }, id: 'a-1' });
    expect(await client.next()).toEqual({ event: 'echo', data: { text: 'hi' }, id: 'a-1' });
    client.send({ event: 'echo', data: 5, id: 42 });
    expect(await client.next()).toEqual({ event: 'echo', data: 5, id: 42 });
  });

  it('lets a handler choose the reply event', async () => {
    client.send({ event: 'profile.update', data: { email: 'a@b.co' }, id: 7 });
    expect(await client.next()).toEqual({
      event: 'profile.updated',
      data: { email: 'a@b.co' },
      id: 7,
    });
  });

  it('replies to async and Observable handlers, and sends nothing for void', async () => {
    client.send({ event: 'later', data: { ms: 20 }, id: 'x' });
    expect(await client.next()).toEqual({ event: 'later', data: 'done', id: 'x' });
    client.send({ event: 'stream', id: 's' });
    expect(await client.next()).toEqual({ event: 'stream', data: 'one', id: 's' });
    client.send({ event: 'nothing', id: 'n' });
    expect(await client.quietFor(100)).toBe(true);
  });

  it.each([
    ['not json', '{"event":', 'Frame is not valid JSON', undefined],
    ['an array', '[1,2]', 'Frame is not a JSON object', undefined],
    ['null', 'null', 'Frame is not a JSON object', undefined],
    [
      'no event',
      '{"data":1,"id":"q"}',
      'Frame needs an "event" string of 1 to 128 characters',
      'q',
    ],
    [
      'event not a string',
      '{"event":7}',
      'Frame needs an "event" string of 1 to 128 characters',
      undefined,
    ],
    [
      'empty event',
      '{"event":""}',
      'Frame needs an "event" string of 1 to 128 characters',
      undefined,
    ],
    [
      'event too long',
      JSON.stringify({ event: 'e'.repeat(129) }),
      'Frame needs an "event" string of 1 to 128 characters',
      undefined,
    ],
    [
      'id an object',
      '{"event":"echo","id":{}}',
      '"id" must be a string of at most 64 characters or an integer',
      undefined,
    ],
    [
      'id a fraction',
      '{"event":"echo","id":1.5}',
      '"id" must be a string of at most 64 characters or an integer',
      undefined,
    ],
    [
      'id too long',
      JSON.stringify({ event: 'echo', id: 'i'.repeat(65) }),
      '"id" must be a string of at most 64 characters or an integer',
      undefined,
    ],
    [
      'too deep',
      JSON.stringify({ event: 'echo', data: JSON.parse('['.repeat(40) + ']'.repeat(40)) }),
      'Frame is nested deeper than 32',
      undefined,
    ],
    [
      '__proto__ key',
      '{"event":"echo","data":{"__proto__":{"isAdmin":true}}}',
      'Frame contains the forbidden key "__proto__"',
      undefined,
    ],
  ])('answers %s with BAD_FRAME and stays open', async (_name, text, message, id) => {
    client.sendText(text);
    const frame = await client.next();
    expect(frame.event).toBe('error');
    expect((frame.data as { code: string }).code).toBe('BAD_FRAME');
    expect((frame.data as { message: string }).message).toBe(message);
    expect(frame.id).toBe(id);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    client.send({ event: 'echo', data: 'still here', id: 1 });
    expect(await client.next()).toEqual({ event: 'echo', data: 'still here', id: 1 });
  });

  it('answers a binary frame with UNSUPPORTED_FRAME', async () => {
    client.sendBinary(Buffer.from([1, 2, 3]));
    expect(await client.next()).toEqual({
      event: 'error',
      data: {
        code: 'UNSUPPORTED_FRAME',
        message: 'Binary frames are not accepted on this gateway',
      },
    });
  });

  it('answers an unknown event with UNKNOWN_EVENT, naming the event and id', async () => {
    client.send({ event: 'no.such', data: { secret: 'x' }, id: 9 });
    expect(await client.next()).toEqual({
      event: 'error',
      data: { code: 'UNKNOWN_EVENT', message: 'No handler for this event', event: 'no.such' },
      id: 9,
    });
  });

  it('answers validation failures with VALIDATION_FAILED, nested paths, and no payload echo', async () => {
    client.send({
      event: 'profile.update',
      data: { email: 'not-an-email-SECRETVALUE', address: { city: 7 }, extra: 'SECRETVALUE' },
      id: 'v',
    });
    const frame = await client.next<{ event: string; data: Record<string, unknown>; id: string }>();
    expect(frame).toEqual({
      event: 'error',
      data: {
        code: 'VALIDATION_FAILED',
        message: 'Validation failed',
        event: 'profile.update',
        details: [
          { path: 'extra', constraints: ['property extra should not exist'] },
          { path: 'email', constraints: ['email must be an email'] },
          {
            path: 'address.city',
            constraints: [
              'city must be longer than or equal to 1 and shorter than or equal to 64 characters',
              'city must be a string',
            ],
          },
        ],
      },
      id: 'v',
    });
    expect(JSON.stringify(frame)).not.toContain('SECRETVALUE');
  });

  it('answers data that is not an object for a DTO with VALIDATION_FAILED', async () => {
    client.send({ event: 'profile.update', data: 'nope', id: 1 });
    const error = await client.nextError('VALIDATION_FAILED');
    expect(error.details).toEqual([{ path: '', constraints: ['data must be an object'] }]);
  });

  it('answers a guard refusal with FORBIDDEN without running the handler', async () => {
    client.send({ event: 'denied', id: 'g' });
    expect(await client.next()).toEqual({
      event: 'error',
      data: { code: 'FORBIDDEN', message: 'Forbidden', event: 'denied' },
      id: 'g',
    });
    expect(ProbeGateway.handled).not.toContain('denied');
  });

  it.each([['throw.sync'], ['throw.async'], ['throw.string'], ['throw.observable']])(
    'answers %s with INTERNAL and a ref that is in the log, never the error text',
    async (event) => {
      client.send({ event, id: 'e' });
      const frame = await client.next<{ data: { code: string; details: { ref: string } } }>();
      expect(frame).toMatchObject({
        event: 'error',
        id: 'e',
        data: { code: 'INTERNAL', message: 'Internal error', event },
      });
      const ref = frame.data.details.ref;
      expect(ref).toMatch(/^[0-9a-f-]{36}$/);
      const logged = t.logs.lines.find((line) => line.ref === ref);
      expect(logged).toMatchObject({ level: 50, msg: 'Handler failed', event, requestId: 'e' });
      expect(JSON.stringify(frame)).not.toMatch(
        /hunter2|secret internals|bare string|stream broke|stack/,
      );
    },
  );

  it('maps WsException, HttpException and SecureWsException to their codes', async () => {
    expect(await client.request('throw.ws')).toMatchObject({
      data: { code: 'BAD_REQUEST', message: 'Room is full' },
    });
    expect(await client.request('throw.http.404')).toMatchObject({
      data: { code: 'BAD_REQUEST', message: 'No such room' },
    });
    expect(await client.request('throw.http.403')).toMatchObject({
      data: { code: 'FORBIDDEN', message: 'Forbidden' },
    });
    expect(await client.request('throw.http.400')).toMatchObject({
      data: {
        code: 'VALIDATION_FAILED',
        details: [{ path: '', constraints: ['name must be a string'] }],
      },
    });
    expect(await client.request('throw.secure')).toEqual({
      event: 'error',
      data: {
        code: 'QUOTA_EXCEEDED',
        message: 'Quota exceeded',
        event: 'throw.secure',
        details: { limit: 3 },
      },
      id: expect.any(String),
    });
  });

  it("lets a user's own filter answer what it catches", async () => {
    expect(await client.request('teapot')).toEqual({ event: 'teapot', data: 'short and stout' });
  });

  it('passes the connected socket to handlers', async () => {
    expect(await client.request('whoami')).toMatchObject({ event: 'whoami', data: true });
  });

  it('closes 1008 after a flood of bad frames', async () => {
    const flooder = await t.connect('/probe');
    for (let i = 0; i < 21; i += 1) flooder.sendText('nope');
    for (let i = 0; i < 21; i += 1) await flooder.nextError('BAD_FRAME');
    expect(await flooder.closed).toEqual({ code: 1008, reason: 'BAD_FRAME' });
  });
});
