import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WsBus } from '../../src/bus/ws-bus.interface.js';
import { RedisServer } from '../../src/testing/redis-server.js';
import { type TestApp } from '../../src/testing/test-app.js';
import { waitFor } from '../protection/support/wait-for.js';
import { startNode } from '../rooms/two-nodes.js';
import {
  type InMemoryTracing,
  randomTraceparent,
  registerInMemoryTracing,
} from './support/in-memory-tracing.js';

describe('one trace across two nodes (real Redis, real SDK)', () => {
  let redis: RedisServer;
  let tracing: InMemoryTracing;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    tracing = registerInMemoryTracing();
    redis = await RedisServer.start();
    [a, b] = await Promise.all([
      startNode({ url: redis.url, keyPrefix: 'trace:' }),
      startNode({ url: redis.url, keyPrefix: 'trace:' }),
    ]);
    await waitFor(() => a.app.get<WsBus>(WsBus).isHealthy() && b.app.get<WsBus>(WsBus).isHealthy());
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await redis?.stop();
    await tracing?.stop();
  });

  it('a room.send on node A yields deliver spans on node B in the same trace, and the push there carries it', async () => {
    const alice = await a.connect('/ws?user=alice');
    const bob = await b.connect('/ws?user=bob');
    await alice.request('room.join', { room: 'lobby' });
    await bob.request('room.join', { room: 'lobby' });
    tracing.exporter.reset();

    const { traceparent, traceId } = randomTraceparent();
    alice.send({ event: 'room.send', data: { room: 'lobby', text: 'traced' }, traceparent });
    const pushOnB = await bob.next<{ event: string; data: unknown; traceparent?: string }>();
    const pushOnA = await alice.next<{ traceparent?: string }>();
    expect(pushOnB).toEqual({
      event: 'room.message',
      data: { room: 'lobby', from: 'alice', text: 'traced', at: expect.any(Number) },
      // The reference rooms keep history: the trace rides before `pos`, which the store appends.
      pos: { room: 'lobby', offset: 1, epoch: expect.any(String) },
      traceparent: expect.stringMatching(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`)),
    });
    expect(pushOnA.traceparent).toBe(pushOnB.traceparent);

    const nodeB = b.app.get<WsBus>(WsBus).nodeId;
    const nodeA = a.app.get<WsBus>(WsBus).nodeId;
    await expect
      .poll(() =>
        tracing.named('deliver lobby').map((span) => span.attributes['secure_ws.bus.node']),
      )
      .toEqual(expect.arrayContaining([nodeA, nodeB]));
    const [processSpan] = tracing.named('process room.send');
    const [publishSpan] = tracing.named('publish lobby');
    const deliverOnB = tracing
      .named('deliver lobby')
      .find((span) => span.attributes['secure_ws.bus.node'] === nodeB);

    expect(processSpan?.spanContext().traceId).toBe(traceId);
    expect(publishSpan?.spanContext().traceId).toBe(traceId);
    expect(publishSpan?.parentSpanContext?.spanId).toBe(processSpan?.spanContext().spanId);
    const publishSpanId = publishSpan?.spanContext().spanId;
    expect(pushOnB.traceparent?.slice(36, 52)).toBe(publishSpanId);
    expect(deliverOnB?.spanContext().traceId).toBe(traceId);
    expect(deliverOnB?.parentSpanContext?.spanId).toBe(publishSpanId);
    expect(deliverOnB?.links.map((link) => link.context.spanId)).toEqual([publishSpanId]);
    expect(deliverOnB?.attributes).toMatchObject({
      'messaging.operation.type': 'receive',
      'messaging.destination.name': 'lobby',
      'secure_ws.room.local_members': 1,
      // A room with history is published by the store's script in Redis, not by node A's bus.
      'secure_ws.bus.origin_node': 'history',
    });
  });
});
