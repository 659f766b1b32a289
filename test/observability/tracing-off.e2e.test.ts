import { describe, expect, it } from 'vitest';
import { ChatGateway } from '../../src/app/gateways/chat.gateway.js';
import { RoomsGateway } from '../../src/app/gateways/rooms.gateway.js';
import { createTestApp } from '../../src/testing/test-app.js';
import { SessionFromQueryGateway } from '../rooms/session-from-query.gateway.js';
import { randomTraceparent } from './support/in-memory-tracing.js';

describe('tracing off (no SDK registered)', () => {
  it("passes the client's traceparent on to the room pushes it causes, and ignores bad ones", async () => {
    const t = await createTestApp({
      providers: [ChatGateway, RoomsGateway, SessionFromQueryGateway],
      module: { heartbeat: false },
    });
    try {
      const alice = await t.connect('/ws?user=alice');
      await alice.request('room.join', { room: 'lobby' });
      const { traceparent } = randomTraceparent();
      alice.send({ event: 'room.send', data: { room: 'lobby', text: 'a' }, traceparent });
      expect(await alice.next()).toEqual({
        event: 'room.message',
        data: { room: 'lobby', from: 'alice', text: 'a', at: expect.any(Number) },
        // The reference rooms keep history: the trace rides before `pos`, which the store appends.
        pos: { room: 'lobby', offset: 1, epoch: expect.any(String) },
        traceparent,
      });
      alice.send({ event: 'room.send', data: { room: 'lobby', text: 'b' } });
      expect(await alice.next()).not.toHaveProperty('traceparent');
      alice.send({
        event: 'room.send',
        data: { room: 'lobby', text: 'c' },
        traceparent: `00-${'f'.repeat(10_000)}`,
      });
      expect(await alice.next()).not.toHaveProperty('traceparent');
      expect(t.logs.raw.some((line) => line.includes('f'.repeat(100)))).toBe(false);
    } finally {
      await t.close();
    }
  });
});
