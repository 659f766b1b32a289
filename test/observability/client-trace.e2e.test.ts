import * as otel from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ChatGateway } from '../../src/app/gateways/chat.gateway.js';
import { RoomsGateway } from '../../src/app/gateways/rooms.gateway.js';
import { activeSpanTraceparent, type ServerFrame, WsClient } from '../../src/client/index.js';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';
import { SessionFromQueryGateway } from '../rooms/session-from-query.gateway.js';
import { type InMemoryTracing, registerInMemoryTracing } from './support/in-memory-tracing.js';

describe('the client carries the caller’s trace (real SDK)', () => {
  let tracing: InMemoryTracing;
  let t: TestApp;
  let client: WsClient;

  beforeAll(async () => {
    tracing = registerInMemoryTracing();
    t = await createTestApp({
      providers: [ChatGateway, RoomsGateway, SessionFromQueryGateway],
      module: { heartbeat: false },
    });
    client = new WsClient({
      url: t.url('/ws?user=alice'),
      WebSocket,
      reconnect: false,
      traceparent: activeSpanTraceparent(otel),
    });
    await client.connect();
  });
  afterAll(async () => {
    client?.close();
    await t?.close();
    await tracing?.stop();
  });

  it('sends the active span as traceparent and exposes the trace of the pushes it caused', async () => {
    const pushes: ServerFrame[] = [];
    client.on('room.message', (_data, frame) => pushes.push(frame));
    const tracer = otel.trace.getTracer('test-ui');
    const clientSpan = await tracer.startActiveSpan('ui send', async (span) => {
      await client.request('room.join', { room: 'lobby' });
      client.send('room.send', { room: 'lobby', text: 'hello' });
      span.end();
      return span;
    });
    const { traceId, spanId } = clientSpan.spanContext();
    await expect.poll(() => pushes.length).toBe(1);
    expect(pushes[0]?.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));

    await expect.poll(() => tracing.named('process room.send')).toHaveLength(1);
    for (const name of ['process room.join', 'process room.send']) {
      const [server] = tracing.named(name);
      expect(server?.spanContext().traceId).toBe(traceId);
      expect(server?.parentSpanContext?.spanId).toBe(spanId);
    }
  });

  it('sends no traceparent outside a span', async () => {
    tracing.exporter.reset();
    await client.request('whoami');
    await expect.poll(() => tracing.named('process whoami')).toHaveLength(1);
    expect(tracing.named('process whoami')[0]?.parentSpanContext).toBeUndefined();
  });
});
