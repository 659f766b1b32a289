import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type WsTestClient } from '../../src/testing/ws-test-client.js';
import { createHostileApp, type HostileApp } from './support/hostile-app.js';

interface ErrorFrame {
  event: 'error';
  data: { code: string; message: string; event?: string; details?: unknown };
  id?: unknown;
}

const INJECTIONS = [
  '<script>alert(1)</script><img src=x onerror=alert(2)>',
  "'; DROP TABLE users; --",
  'x" OR "1"="1',
  '\n{"level":60,"time":0,"msg":"forged log line","isAdmin":true}\n',
  '\r\n{"level":30,"msg":"forged after CRLF"}',
  '\u001b[31mred\u001b[0m\u001b[2J\u001b]0;title\u0007',
  `\${process.exit(1)}{{constructor.constructor("return process")()}}`,
  '\u0000\u2028\u2029\ud800',
];

describe('content: hostile payloads stay data and never crash the process', () => {
  let t: HostileApp;
  let client: WsTestClient;
  const alive = () => t.alive(1);

  beforeAll(async () => {
    t = await createHostileApp();
    client = await t.connect('/hostile');
  });
  afterAll(() => t.close());

  async function expectBadFrame(text: string): Promise<ErrorFrame> {
    client.sendText(text);
    const frame = await client.next<ErrorFrame>();
    expect(frame.event).toBe('error');
    expect(frame.data.code).toBe('BAD_FRAME');
    return frame;
  }

  it.each([
    '',
    ' ',
    '{',
    '}',
    '{"event":}',
    "{'event':'ping'}",
    '{"event":"ping",}',
    '{"event":"ping"}{"event":"ping"}',
    '\ufeff{"event":"ping"}',
    'undefined',
    'NaN',
    '1e999',
    '"ping"',
    '123',
    'true',
    'null',
    '[]',
    '[{"event":"ping"}]',
    '{"event":"ping","data":01}',
    '{"event":"ping","data":"\\x41"}',
    '{"event":"ping","data":"\\ud800"',
    '{"event":"ping"',
  ])('answers invalid JSON %j with BAD_FRAME, connection open', async (text) => {
    await expectBadFrame(text);
    await alive();
  });

  it('answers 64 KiB of "[" with BAD_FRAME, fast', async () => {
    const started = performance.now();
    await expectBadFrame('['.repeat(64 * 1024 - 1));
    await expectBadFrame(`${'['.repeat(32_000)}${']'.repeat(32_000)}`);
    await expectBadFrame(`{"event":"raw","data":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`);
    expect(performance.now() - started).toBeLessThan(1000);
    await alive();
  });

  it.each([
    ['a number', '{"event":7}'],
    ['an array', '{"event":["ping"]}'],
    ['an object', '{"event":{"toString":"ping"}}'],
    ['null', '{"event":null}'],
    ['true', '{"event":true}'],
    ['missing, with __proto__ holding it', '{"__proto__":{"event":"ping"}}'],
  ])('answers an event that is %s with BAD_FRAME', async (_name, text) => {
    await expectBadFrame(text);
    await alive();
  });

  it.each([
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    '__defineGetter__',
  ])(
    'answers event %j with UNKNOWN_EVENT (handlers are not looked up on a prototype)',
    async (event) => {
      client.send({ event, id: 'p' });
      expect(await client.next()).toEqual({
        event: 'error',
        data: { code: 'UNKNOWN_EVENT', message: 'No handler for this event', event },
        id: 'p',
      });
      await alive();
    },
  );

  it.each([
    ['__proto__ in data', '{"event":"raw","data":{"__proto__":{"isAdmin":true}}}'],
    ['__proto__ at the top', '{"event":"raw","__proto__":{"isAdmin":true}}'],
    ['escaped __proto__', '{"event":"raw","data":{"\\u005f_proto__":{"isAdmin":true}}}'],
    [
      'constructor.prototype',
      '{"event":"raw","data":{"constructor":{"prototype":{"isAdmin":true}}}}',
    ],
    ['deep __proto__', `{"event":"raw","data":[[[{"a":{"__proto__":{"isAdmin":true}}}]]]}`],
    [
      'a DTO with __proto__',
      '{"event":"profile.update","data":{"email":"a@b.co","__proto__":{"isAdmin":true}}}',
    ],
    [
      'a DTO with constructor.prototype',
      '{"event":"profile.update","data":{"email":"a@b.co","constructor":{"prototype":{"isAdmin":true}}}}',
    ],
  ])(
    'refuses prototype pollution (%s) and the process prototype stays clean',
    async (_name, text) => {
      await expectBadFrame(text);
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('isAdmin');
      await alive();
    },
  );

  it.each([
    ['a missing field', {}, ['email']],
    ['a wrong type', { email: 42 }, ['email']],
    ['an invalid email', { email: 'not an email' }, ['email']],
    ['a too long displayName', { email: 'a@b.co', displayName: 'd'.repeat(65) }, ['displayName']],
    ['an empty displayName', { email: 'a@b.co', displayName: '' }, ['displayName']],
    ['a displayName of the wrong type', { email: 'a@b.co', displayName: ['x'] }, ['displayName']],
    ['an extra property', { email: 'a@b.co', role: 'admin' }, ['role']],
    ['data an array', [{ email: 'a@b.co' }], ['']],
    ['data a string', 'a@b.co', ['']],
    ['data null', null, ['']],
  ])(
    'answers a DTO violation (%s) with VALIDATION_FAILED and field paths only',
    async (_name, data, paths) => {
      client.send({ event: 'profile.update', data, id: 'v' });
      const frame = await client.next<ErrorFrame>();
      expect(frame).toMatchObject({
        event: 'error',
        data: { code: 'VALIDATION_FAILED', event: 'profile.update' },
        id: 'v',
      });
      const details = frame.data.details as Array<{ path: string }>;
      expect(details.map((detail) => detail.path)).toEqual(paths);
      expect(JSON.stringify(frame)).not.toMatch(/not an email|admin|ddddd/);
      await alive();
    },
  );

  it('answers echo text over 4096 with VALIDATION_FAILED', async () => {
    client.send({ event: 'echo', data: { text: 'e'.repeat(4097) }, id: 'long' });
    const { details } = await client.nextError('VALIDATION_FAILED');
    expect((details as Array<{ path: string }>).map((detail) => detail.path)).toEqual(['text']);
    await alive();
  });

  it.each([
    'throw.sync',
    'throw.reject',
    'throw.observable',
    'throw.nonerror',
    'throw.undefined',
    'reject.null',
  ])('answers a handler that fails (%s) with INTERNAL and a logged ref', async (event) => {
    client.send({ event, id: event });
    const frame = await client.next<ErrorFrame & { data: { details: { ref: string } } }>();
    expect(frame).toMatchObject({
      event: 'error',
      data: { code: 'INTERNAL', message: 'Internal error', event },
      id: event,
    });
    expect(JSON.stringify(frame)).not.toMatch(/secret|stack/);
    expect(t.logs.lines.find((line) => line.ref === frame.data.details.ref)).toMatchObject({
      level: 50,
      msg: 'Handler failed',
    });
    await alive();
  });

  it.each(INJECTIONS)('keeps an injection string as data: %j', async (text) => {
    client.send({ event: 'echo', data: { text }, id: 'inj' });
    expect(await client.next()).toEqual({ event: 'echo', data: { text }, id: 'inj' });
    client.send({ event: 'raw', data: { [text]: text }, id: 'inj2' });
    expect(await client.next()).toEqual({ event: 'raw', data: { [text]: text }, id: 'inj2' });
    // As an event name and a request id it reaches the log and the error frame. A fresh
    // connection, because each logs only its first few client errors.
    const fresh = await t.connect('/hostile');
    const event = text.slice(0, 128);
    fresh.send({ event, id: 'inj3' });
    expect((await fresh.nextError('UNKNOWN_EVENT')).event).toBe(event);
    fresh.send({ event: 'throw.sync', id: text.slice(0, 64) });
    expect((await fresh.nextError('INTERNAL')).id).toBe(text.slice(0, 64));
    fresh.terminate();
    await alive();
  });

  it('keeps the captured log one JSON object per line, with no raw control characters', () => {
    const logged = (text: string) =>
      t.logs.lines.some((line) => line.event === text || line.requestId === text.slice(0, 64));
    expect(INJECTIONS.every(logged)).toBe(true);
    for (const line of t.logs.raw) {
      expect(() => JSON.parse(line)).not.toThrow();
      expect([...line].some((char) => char.charCodeAt(0) < 0x20)).toBe(false);
    }
    expect(t.logs.lines.some((line) => line.msg === 'forged log line')).toBe(false);
    expect(t.logs.lines.some((line) => line.msg === 'forged after CRLF')).toBe(false);
    expect(t.logs.lines.every((line) => line.isAdmin === undefined)).toBe(true);
  });
});
