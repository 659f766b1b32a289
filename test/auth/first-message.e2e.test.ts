import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type AuthTestApp, createAuthApp } from './support/auth-app.js';
import { generateTestKeys, hs } from './support/tokens.js';

const { secret } = generateTestKeys();

describe('first-message authentication', () => {
  let t: AuthTestApp;

  beforeAll(async () => {
    t = await createAuthApp({ secret, authTimeoutMs: 400 });
  });
  afterAll(() => t.close());

  it('answers auth with the user and expiry, then opens the connection', async () => {
    const token = hs(secret, 'first', 600);
    const client = await t.connect('/secure');
    client.send({ event: 'auth', data: { token }, id: 'a1' });
    const reply = await client.next<{
      event: string;
      data: { userId: string; expiresAt: number };
    }>();
    expect(reply).toEqual({
      event: 'auth',
      data: { userId: 'first', expiresAt: expect.any(Number) },
      id: 'a1',
    });
    expect(Math.abs(reply.data.expiresAt - (Date.now() + 600_000))).toBeLessThan(5000);
    expect(await client.request('echo', 'after')).toEqual({
      event: 'echo',
      data: 'after',
      id: '1',
    });
    expect(t.recorder.connected).toContain('first');
    client.close();
  });

  it('answers any other event before auth with UNAUTHENTICATED and stays open', async () => {
    const client = await t.connect('/secure');
    client.send({ event: 'echo', data: 'too early', id: 7 });
    expect(await client.next()).toEqual({
      event: 'error',
      data: {
        code: 'UNAUTHENTICATED',
        message: 'Authenticate first: send { "event": "auth", "data": { "token": "<jwt>" } }',
        event: 'echo',
      },
      id: 7,
    });
    expect(await client.request('auth', { token: hs(secret, 'patient') })).toMatchObject({
      event: 'auth',
      data: { userId: 'patient' },
    });
    expect(t.recorder.handled).not.toContainEqual(['echo', null]);
    client.close();
  });

  it('closes AUTH_TIMEOUT 4408 at the deadline', async () => {
    const client = await t.connect('/secure');
    await client.nextError('AUTH_TIMEOUT', 2000);
    expect(await client.closed).toEqual({ code: 4408, reason: 'AUTH_TIMEOUT' });
  });

  it.each([
    ['a bad token', 'garbage', 'UNAUTHENTICATED'],
    ['no token', undefined, 'UNAUTHENTICATED'],
    ['an expired token', hs(secret, 'late', -5), 'TOKEN_EXPIRED'],
  ])('refuses auth with %s at once: close 4401', async (_name, token, code) => {
    const client = await t.connect('/secure');
    client.send({ event: 'auth', data: { token }, id: 'x' });
    expect(await client.next()).toMatchObject({
      event: 'error',
      data: { code, event: 'auth' },
      id: 'x',
    });
    expect(await client.closed).toEqual({ code: 4401, reason: code });
  });
});

describe('the connect race: frames sent the moment the socket opens', () => {
  let t: AuthTestApp;

  beforeAll(async () => {
    t = await createAuthApp({ secret, authTimeoutMs: 2000 });
  });
  afterAll(() => t.close());

  /** Opens a raw ws client that sends `count` echo frames in its `open` callback. */
  function burst(headers: Record<string, string>, count: number) {
    const socket = new WebSocket(t.url('/secure'), { headers });
    const frames: Array<Record<string, unknown>> = [];
    socket.on('open', () => {
      for (let i = 0; i < count; i++)
        socket.send(JSON.stringify({ event: 'echo', data: i, id: i }));
    });
    socket.on('message', (data) => frames.push(JSON.parse(data.toString())));
    const closed = new Promise<number>((resolve) => socket.on('close', resolve));
    const received = (n: number) =>
      new Promise<void>((resolve) => {
        const check = () => (frames.length >= n ? resolve() : setTimeout(check, 5));
        check();
      });
    return { socket, frames, closed, received };
  }

  it('runs handleConnection before the first handler, and handles every frame in order', async () => {
    const client = burst({ Authorization: `Bearer ${hs(secret, 'racer')}` }, 20);
    await client.received(20);
    expect(client.frames).toEqual(
      Array.from({ length: 20 }, (_, i) => ({ event: 'echo', data: i, id: i })),
    );
    expect(t.recorder.connected).toEqual(['racer']);
    expect(t.recorder.handled).toEqual(Array.from({ length: 20 }, () => ['echo', 'racer']));
    client.socket.close();
  });

  it('runs nothing for a client with a bad token', async () => {
    const client = burst({ Authorization: 'Bearer garbage' }, 20);
    expect(await client.closed).toBe(4401);
    expect(client.frames).toEqual([
      {
        event: 'error',
        data: { code: 'UNAUTHENTICATED', message: 'Authentication required' },
      },
    ]);
  });

  it('runs nothing for a client without a token: each frame is UNAUTHENTICATED', async () => {
    const client = burst({}, 5);
    await client.received(5);
    expect(client.frames.map((frame) => (frame.data as { code: string }).code)).toEqual(
      Array.from({ length: 5 }, () => 'UNAUTHENTICATED'),
    );
    client.socket.close();
    await client.closed;
    expect(t.recorder.connected).toEqual(['racer']);
    expect(t.recorder.handled.every(([, user]) => user === 'racer')).toBe(true);
  });
});
