import { Logger, LoggerModule } from 'nestjs-pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogs } from '../../src/testing/log-capture.js';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';
import { claims, signJwt } from '../auth/support/tokens.js';
import { LogProbeGateway } from './support/log-probe.gateway.js';

const SECRET = 'log-context-secret-long-enough-0123456789';

describe('per-message log context', () => {
  // nestjs-pino keeps one root logger per process: one app for the whole file.
  const logs = captureLogs('info');
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      imports: [LoggerModule.forRoot({ pinoHttp: { logger: logs.logger } })],
      providers: [LogProbeGateway],
      module: { logger: logs.logger, auth: { secret: SECRET }, heartbeat: false },
    });
    t.app.useLogger(t.app.get(Logger));
  });
  afterAll(() => t.close());

  const connect = (sub: string) =>
    t.connect('/logs', { token: signJwt(claims(sub), { key: SECRET }) });

  it("ties a handler's own lines (PinoLogger, then Nest Logger after an await) to the message", async () => {
    const alice = await connect('alice');
    const bob = await connect('bob');
    alice.send({ event: 'say', data: 'from alice', id: 'a-1' });
    bob.send({ event: 'say', data: 'from bob', id: 7 });
    expect(await alice.next()).toEqual({ event: 'say', data: 'from alice', id: 'a-1' });
    expect(await bob.next()).toEqual({ event: 'say', data: 'from bob', id: 7 });

    const pinoLines = logs.withMessage('pino line before await');
    const nestLines = logs.withMessage('nest line after await');
    expect(pinoLines).toHaveLength(2);
    expect(nestLines).toHaveLength(2);
    const ofAlice = (line: Record<string, unknown>) => line.userId === 'alice';
    for (const line of [pinoLines.find(ofAlice), nestLines.find(ofAlice)]) {
      expect(line).toMatchObject({
        connId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        userId: 'alice',
        event: 'say',
        requestId: 'a-1',
      });
    }
    const bobsLine = nestLines.find((line) => line.userId === 'bob');
    expect(bobsLine).toMatchObject({ event: 'say', requestId: 7, context: 'LogProbe' });
    expect(bobsLine?.connId).not.toBe(pinoLines.find(ofAlice)?.connId);
  });

  it("gives the module's own error line the same ids, each key once", async () => {
    const carol = await connect('carol');
    carol.send({ event: 'fail', id: 'f-1' });
    const ref = (await carol.nextError('INTERNAL')).details as { ref: string };
    const raw = logs.raw.find((line) => line.includes(ref.ref)) ?? '';
    expect(JSON.parse(raw)).toMatchObject({
      msg: 'Handler failed',
      userId: 'carol',
      event: 'fail',
      requestId: 'f-1',
      connId: expect.any(String),
    });
    expect(raw.match(/"connId":/g)).toHaveLength(1);
    expect(raw.match(/"userId":/g)).toHaveLength(1);
  });

  it("carries the frame's traceparent trace id with tracing off", async () => {
    const dave = await connect('dave');
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    dave.send({
      event: 'say',
      data: 'x',
      id: 't-1',
      traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
    });
    await dave.next();
    const line = logs.withMessage('pino line before await').find((l) => l.requestId === 't-1');
    expect(line).toMatchObject({ userId: 'dave', traceId });
  });

  it('gives a frame that waited for the one before it (ordered dispatch) its own ids', async () => {
    const erin = await connect('erin');
    // Sent in one go: q-2 arrives while q-1's handler awaits, waits, and starts when q-1 settles.
    erin.send({ event: 'say', data: 'first', id: 'q-1' });
    erin.send({ event: 'say', data: 'second', id: 'q-2' });
    expect(await erin.next()).toEqual({ event: 'say', data: 'first', id: 'q-1' });
    expect(await erin.next()).toEqual({ event: 'say', data: 'second', id: 'q-2' });
    for (const message of ['pino line before await', 'nest line after await']) {
      const lines = logs.withMessage(message).filter((line) => line.userId === 'erin');
      expect(lines.map((line) => line.requestId)).toEqual(['q-1', 'q-2']);
    }
    const second = logs
      .withMessage('pino line before await')
      .find((line) => line.requestId === 'q-2');
    expect(second).toMatchObject({ text: 'second', event: 'say' });
  });

  it('adds nothing to lines written outside a message', async () => {
    t.app.get(Logger).log('outside any message');
    const line = logs.withMessage('outside any message')[0];
    expect(line).toBeDefined();
    expect(line).not.toHaveProperty('connId');
    expect(line).not.toHaveProperty('event');
  });
});
