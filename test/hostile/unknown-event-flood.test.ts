import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '../../src/app/token.js';
import { WsTestClient } from '../../src/testing/ws-test-client.js';
import { encodeFrame, Op, RawWsClient } from './support/raw-socket.js';
import { type ReferenceApp, startReferenceApp } from './support/reference-app.js';

const JWT_SECRET = 'hostile-unknown-flood-secret-0123456789abcdef';

describe('every frame counts against the message budget', () => {
  let ref: ReferenceApp;
  const connect = (sub: string) =>
    WsTestClient.connect(`ws://127.0.0.1:${ref.port}/ws`, {
      headers: { Authorization: `Bearer ${signToken(JWT_SECRET, { sub, ttlSeconds: 600 })}` },
    });
  beforeAll(async () => {
    // The reference app's default budgets: 20 messages a second, a burst of 40, 50 refusals.
    ref = await startReferenceApp({ JWT_SECRET });
  });
  afterAll(() => ref.close());

  it('closes a flood of unknown events 4429 RATE_LIMITED, like handled ones', async () => {
    const flooder = await connect('mallory');
    const codes = new Map<string, number>();
    flooder.socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { data: { code: string } };
      codes.set(frame.data.code, (codes.get(frame.data.code) ?? 0) + 1);
    });
    for (let i = 0; i < 3000; i += 1) flooder.socket.send('{"event":"no.such.event"}');
    expect(await flooder.closed).toEqual({ code: 4429, reason: 'RATE_LIMITED' });
    const seen = Object.fromEntries(codes);
    console.info(`unknown-event flood of 3,000 frames: ${JSON.stringify(seen)}`);
    // The burst is answered UNKNOWN_EVENT, then 50 refusals close the connection.
    expect(seen.RATE_LIMITED).toBe(50);
    expect(seen.UNKNOWN_EVENT).toBeGreaterThanOrEqual(40);
    expect(seen.UNKNOWN_EVENT).toBeLessThan(60);
    // Another user is served as before.
    const alice = await connect('alice');
    expect(await alice.request('room.join', { room: 'r' })).toMatchObject({ event: 'room.joined' });
    alice.close();
  });

  it('counts frames refused before a handler too: bad frames and unknown events share the budget', async () => {
    const token = signToken(JWT_SECRET, { sub: 'eve', ttlSeconds: 600 });
    const client = await RawWsClient.connect(ref.port, '/ws', {
      Authorization: `Bearer ${token}`,
    });
    const text = (payload: string) => encodeFrame({ opcode: Op.TEXT, payload });
    // 41 frames in one TCP write, so that the budget (20 a second) cannot refill between them on a
    // loaded machine: 40 frames spend the burst, and the handled message after them is refused.
    client.write(
      Buffer.concat([
        ...Array.from({ length: 30 }, () => text('{"event":"no.such.event"}')),
        ...Array.from({ length: 10 }, () => text('not json')),
        text('{"event":"room.join","data":{"room":"r"}}'),
      ]),
    );
    const codes: unknown[] = [];
    for (let i = 0; i < 41; i += 1) {
      codes.push((await client.nextJson<{ data: { code?: string } }>()).data.code);
    }
    expect(codes.slice(0, 30)).toEqual(Array(30).fill('UNKNOWN_EVENT'));
    expect(codes.slice(30, 40)).toEqual(Array(10).fill('BAD_FRAME'));
    expect(codes[40]).toBe('RATE_LIMITED');
    client.destroy();
  });
});
