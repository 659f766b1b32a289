import { LoggerModule } from 'nestjs-pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ChatGateway } from '../../src/app/gateways/chat.gateway.js';
import { RoomsGateway } from '../../src/app/gateways/rooms.gateway.js';
import { captureLogs } from '../../src/testing/log-capture.js';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';
import { SessionFromQueryGateway } from '../rooms/session-from-query.gateway.js';
import {
  type InMemoryTracing,
  randomTraceparent,
  registerInMemoryTracing,
} from './support/in-memory-tracing.js';
import { LogProbeGateway } from './support/log-probe.gateway.js';

describe('OpenTelemetry tracing (real SDK, in-memory exporter)', () => {
  const logs = captureLogs('info');
  let tracing: InMemoryTracing;
  let t: TestApp;

  beforeAll(async () => {
    tracing = registerInMemoryTracing();
    t = await createTestApp({
      imports: [LoggerModule.forRoot({ pinoHttp: { logger: logs.logger } })],
      providers: [ChatGateway, RoomsGateway, SessionFromQueryGateway, LogProbeGateway],
      module: {
        logger: logs.logger,
        heartbeat: false,
        protection: { allowedOrigins: ['http://good.example'] },
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await tracing.stop();
  });
  beforeEach(() => tracing.exporter.reset());

  it('continues the trace of a frame’s traceparent in a process span with the message’s attributes', async () => {
    const client = await t.connect('/ws?user=alice');
    const { traceparent, traceId, spanId } = randomTraceparent();
    const frame = { event: 'echo', data: { text: 'hi' }, id: 'r-1', traceparent };
    client.send(frame);
    expect(await client.next()).toEqual({ event: 'echo', data: { text: 'hi' }, id: 'r-1' });

    await expect.poll(() => tracing.named('process echo')).toHaveLength(1);
    const [span] = tracing.named('process echo');
    expect(span?.spanContext().traceId).toBe(traceId);
    expect(span?.parentSpanContext?.spanId).toBe(spanId);
    expect(span?.attributes).toEqual({
      'messaging.system': 'secure_ws',
      'messaging.operation.type': 'process',
      'messaging.destination.name': 'echo',
      'messaging.message.id': 'r-1',
      'messaging.message.body.size': Buffer.byteLength(JSON.stringify(frame)),
      'messaging.client.id': expect.stringMatching(/^[0-9a-f-]{36}$/),
      'enduser.id': 'alice',
      'url.path': '/ws',
      'secure_ws.outcome': 'ok',
    });
    expect(span?.status.code).toBe(0);
  });

  it('records validation and the error frame as events, and the outcome code', async () => {
    const client = await t.connect('/ws?user=alice');
    client.send({ event: 'profile.update', data: { email: 'nope' }, id: 2 });
    await client.nextError('VALIDATION_FAILED');
    await expect.poll(() => tracing.named('process profile.update')).toHaveLength(1);
    const [span] = tracing.named('process profile.update');
    expect(span?.attributes['secure_ws.outcome']).toBe('VALIDATION_FAILED');
    expect(
      span?.events.map((event) => [event.name, event.attributes?.['secure_ws.outcome']]),
    ).toEqual([
      ['validation', 'VALIDATION_FAILED'],
      ['error frame', 'VALIDATION_FAILED'],
    ]);
    client.send({ event: 'no.such.event', id: 3 });
    await client.nextError('UNKNOWN_EVENT');
    await expect.poll(() => tracing.named('process no.such.event')).toHaveLength(1);
    expect(tracing.named('process no.such.event')[0]?.attributes['secure_ws.outcome']).toBe(
      'UNKNOWN_EVENT',
    );
  });

  it("puts the span's trace id on the handler's own log lines", async () => {
    const client = await t.connect('/logs?user=carol');
    const { traceparent, traceId } = randomTraceparent();
    client.send({ event: 'say', data: 'traced', id: 'l-1', traceparent });
    await client.next();
    const line = logs.withMessage('pino line before await').find((l) => l.requestId === 'l-1');
    expect(line).toMatchObject({ traceId, event: 'say', requestId: 'l-1' });
  });

  it.each([
    ['malformed', '00-xyz-not-a-trace-01'],
    ['all-zero trace id', `00-${'0'.repeat(32)}-${'1'.repeat(16)}-01`],
    ['10 KB', `00-${'a'.repeat(10 * 1024)}`],
    ['a number', 42],
  ])('ignores a %s traceparent: a fresh trace, no error, never logged', async (_name, value) => {
    const client = await t.connect('/ws?user=dave');
    client.send({ event: 'echo', data: { text: 'x' }, id: 9, traceparent: value });
    expect(await client.next()).toEqual({ event: 'echo', data: { text: 'x' }, id: 9 });
    await expect.poll(() => tracing.named('process echo')).toHaveLength(1);
    const [span] = tracing.named('process echo');
    expect(span?.parentSpanContext).toBeUndefined();
    expect(span?.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
    if (typeof value === 'string') {
      expect(logs.raw.some((line) => line.includes(value))).toBe(false);
    }
  });

  it('makes an upgrade span that ends when the connection is admitted', async () => {
    const client = await t.connect('/ws?user=erin');
    client.send({ event: 'whoami', id: 1 });
    await client.next();
    const span = tracing
      .named('upgrade /ws')
      .find((candidate) => candidate.attributes['enduser.id'] === 'erin');
    expect(span?.attributes).toMatchObject({
      'secure_ws.outcome': 'accepted',
      'url.path': '/ws',
      'client.address': '127.0.0.1',
      'messaging.client.id': expect.any(String),
    });
  });

  it('ends the upgrade span of a refused upgrade with the refusal code', async () => {
    const socket = new WebSocket(t.url('/ws'), { origin: 'http://evil.example' });
    const status = await new Promise<number>((done) => {
      socket.on('unexpected-response', (_request, response) => done(response.statusCode ?? 0));
      socket.on('error', () => done(0));
    });
    socket.terminate();
    expect(status).toBe(403);
    await expect
      .poll(() =>
        tracing
          .named('upgrade /ws')
          .map((span) => span.attributes['secure_ws.outcome'])
          .filter((outcome) => outcome !== 'accepted'),
      )
      .toEqual(['ORIGIN_NOT_ALLOWED']);
  });
});
