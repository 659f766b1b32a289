import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';
import { type WsTestClient } from '../../src/testing/ws-test-client.js';
import { GuardedGateway } from './support/guarded.gateway.js';

describe('JSON limits beyond maxPayload', () => {
  let t: TestApp;
  let client: WsTestClient;

  beforeAll(async () => {
    t = await createTestApp({
      providers: [GuardedGateway],
      module: { maxJsonKeys: 100, maxJsonDepth: 8 },
    });
    client = await t.connect('/guarded');
  });
  afterAll(() => t.close());

  it('refuses 64 KiB of unclosed "[[[[" as BAD_FRAME and stays open', async () => {
    client.sendText('['.repeat(64 * 1024));
    expect(await client.nextError('BAD_FRAME')).toEqual({
      code: 'BAD_FRAME',
      message: 'Frame is not valid JSON',
      id: undefined,
    });
    expect(await client.request('echo', 1)).toEqual({ event: 'echo', data: 1, id: '1' });
  });

  it('refuses 32 Ki levels of nesting inside a valid envelope without a stack overflow', async () => {
    const depth = 32 * 1024;
    client.sendText(`{"event":"echo","id":"deep","data":${'['.repeat(depth)}${']'.repeat(depth)}}`);
    expect(await client.nextError('BAD_FRAME')).toEqual({
      code: 'BAD_FRAME',
      message: 'Frame is nested deeper than 8',
      event: 'echo',
      id: 'deep',
    });
  });

  it('refuses a frame with more keys than maxJsonKeys, and accepts one at the limit', async () => {
    const keys = (count: number) =>
      Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, i]));
    // The envelope's own keys count too: event, data, id.
    client.send({ event: 'echo', data: keys(97), id: 'ok' });
    expect(await client.next()).toEqual({ event: 'echo', data: keys(97), id: 'ok' });
    client.send({ event: 'echo', data: keys(101), id: 'many' });
    expect(await client.nextError('BAD_FRAME')).toEqual({
      code: 'BAD_FRAME',
      message: 'Frame has more than 100 keys',
      event: 'echo',
      id: 'many',
    });
  });

  it('counts array items as keys, over all levels', async () => {
    client.send({ event: 'echo', data: [Array(60).fill(0), Array(60).fill(0)], id: 'arrays' });
    expect(await client.nextError('BAD_FRAME')).toMatchObject({
      message: 'Frame has more than 100 keys',
      id: 'arrays',
    });
    expect(await client.request('echo', 'alive')).toMatchObject({ event: 'echo', data: 'alive' });
  });
});
