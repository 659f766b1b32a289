import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../src/testing/test-app.js';
import { ProbeGateway } from './support/probe.gateway.js';

describe('logging', () => {
  let t: TestApp | undefined;
  afterEach(() => t?.close());

  it('logs client errors at debug, rate-limited per connection, with connection context', async () => {
    t = await createTestApp({
      providers: [ProbeGateway],
      module: { maxClientErrorLogsPerMinute: 5 },
    });
    const client = await t.connect('/probe');
    for (let i = 0; i < 30; i += 1) client.send({ event: 'missing', id: i });
    for (let i = 0; i < 30; i += 1) await client.nextError('UNKNOWN_EVENT');
    const lines = t.logs.withMessage('Client error');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatchObject({
      level: 20,
      code: 'UNKNOWN_EVENT',
      event: 'missing',
      connId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      remote: '127.0.0.1',
      path: '/probe',
    });
  });

  it('writes one JSON line per event, with the error stack only in the log', async () => {
    t = await createTestApp({ providers: [ProbeGateway] });
    const client = await t.connect('/probe');
    client.send({ event: 'throw.sync', id: 'line\n{"level":60,"msg":"forged"}' });
    await client.nextError('INTERNAL');
    for (const raw of t.logs.raw) expect(() => JSON.parse(raw)).not.toThrow();
    expect(t.logs.lines.some((line) => line.msg === 'forged')).toBe(false);
    const failures = t.logs.withMessage('Handler failed');
    expect(failures).toHaveLength(1);
    expect(JSON.stringify(failures[0])).toContain('database password is hunter2');
  });
});
