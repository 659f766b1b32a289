import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CounterService } from '../../src/app/counter.service.js';
import { DeliveryGateway } from '../../src/app/gateways/delivery.gateway.js';
import { signToken } from '../../src/app/token.js';
import { WsBus } from '../../src/bus/ws-bus.interface.js';
import { IDEMPOTENCY_STORE } from '../../src/idempotency/idempotency-store.interface.js';
import { InMemoryIdempotencyStore } from '../../src/idempotency/in-memory-idempotency.store.js';
import { type SecureWsModuleOptions } from '../../src/options/secure-ws-options.interface.js';
import { RedisServer } from '../../src/testing/redis-server.js';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';
import { type WsTestClient } from '../../src/testing/ws-test-client.js';
import { IdempotencyProbeGateway, RunCounter } from './support/idempotency.gateway.js';

const SECRET = 'idempotency-test-secret-0123456789abcd';
type Frame = { event: string; data: Record<string, unknown>; id?: unknown };

function startNode(module: SecureWsModuleOptions = {}): Promise<TestApp> {
  return createTestApp({
    module: { heartbeat: false, auth: { secret: SECRET }, ...module },
    providers: [CounterService, DeliveryGateway, RunCounter, IdempotencyProbeGateway],
  });
}

function connectAs(node: TestApp, user: string): Promise<WsTestClient> {
  return node.connect('/ws', { token: signToken(SECRET, { sub: user, ttlSeconds: 60 }) });
}

describe('idempotent requests across two nodes on one Redis', () => {
  let redis: RedisServer;
  let a: TestApp;
  let b: TestApp;
  let run = 0;

  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterAll(() => redis.stop());

  beforeEach(async () => {
    run += 1;
    const options = { redis: { url: redis.url, keyPrefix: `idem${run}:` } };
    [a, b] = await Promise.all([startNode(options), startNode(options)]);
    await expect.poll(() => a.app.get<WsBus>(WsBus).isHealthy()).toBe(true);
    await expect.poll(() => b.app.get<WsBus>(WsBus).isHealthy()).toBe(true);
  });

  afterEach(async () => {
    a.app.get(RunCounter).release();
    b.app.get(RunCounter).release();
    await Promise.all([a.close(), b.close()]);
  });

  it('counts one counter.increment sent 5 times over 3 connections on 2 nodes, and answers each with the same value', async () => {
    const [first, second, third] = await Promise.all([
      connectAs(a, 'ann'),
      connectAs(b, 'ann'),
      connectAs(a, 'ann'),
    ]);
    const sends: Array<[WsTestClient, number]> = [
      [first, 1],
      [second, 2],
      [third, 3],
      [second, 4],
      [first, 5],
    ];
    for (const [client, id] of sends) {
      client.send({ event: 'counter.increment', id, idempotencyKey: 'pay-42' });
    }
    const replies = await Promise.all(
      [first, first, second, second, third].map((client) => client.next<Frame>()),
    );
    const byId = new Map(replies.map((reply) => [reply.id, reply]));
    expect([...byId.keys()].sort()).toEqual([1, 2, 3, 4, 5]);
    for (const reply of replies) {
      expect(reply).toEqual({ event: 'counter.incremented', data: { value: 1 }, id: reply.id });
    }
    // The counter moved once: the next increment without a key gives 2.
    expect(await third.request('counter.increment')).toMatchObject({ data: { value: 2 } });
  });

  it('makes a repeat on the other node wait for the first run, which runs once', async () => {
    const [onA, onB] = await Promise.all([connectAs(a, 'bea'), connectAs(b, 'bea')]);
    onA.send({ event: 'slow.once', data: 'first', id: 'a1', idempotencyKey: 'k1' });
    await expect.poll(() => a.app.get(RunCounter).runs.get('slow.once')).toBe(1);
    onB.send({ event: 'slow.once', data: 'repeat', id: 'b1', idempotencyKey: 'k1' });
    expect(await onB.quietFor(300)).toBe(true);
    a.app.get(RunCounter).release();
    const expected = { event: 'slow.done', data: { run: 1, data: 'first' } };
    expect(await onA.next()).toEqual({ ...expected, id: 'a1' });
    expect(await onB.next()).toEqual({ ...expected, id: 'b1' });
    expect(b.app.get(RunCounter).runs.get('slow.once')).toBeUndefined();
  });

  it('keeps keys per user: the same key of another user runs on its own', async () => {
    const [ann, bob] = await Promise.all([connectAs(a, 'ann'), connectAs(b, 'bob')]);
    ann.send({ event: 'counter.increment', id: 1, idempotencyKey: 'same' });
    expect(await ann.next()).toEqual({ event: 'counter.incremented', data: { value: 1 }, id: 1 });
    bob.send({ event: 'counter.increment', id: 1, idempotencyKey: 'same' });
    expect(await bob.next()).toEqual({ event: 'counter.incremented', data: { value: 1 }, id: 1 });
    ann.send({ event: 'counter.increment', id: 2 });
    expect(await ann.next()).toEqual({ event: 'counter.incremented', data: { value: 2 }, id: 2 });
  });

  it('replays an error stored by one node to a repeat on the other', async () => {
    const [onA, onB] = await Promise.all([connectAs(a, 'fay'), connectAs(b, 'fay')]);
    const refused = {
      code: 'FORBIDDEN',
      message: 'Not for you',
      event: 'refuse',
      details: { rule: 'owner' },
    };
    onA.send({ event: 'refuse', id: 1, idempotencyKey: 'r' });
    expect(await onA.next()).toEqual({ event: 'error', data: refused, id: 1 });
    onB.send({ event: 'refuse', id: 2, idempotencyKey: 'r' });
    expect(await onB.next()).toEqual({ event: 'error', data: refused, id: 2 });
    expect(b.app.get(RunCounter).runs.get('refuse')).toBeUndefined();
  });

  it('answers UNAVAILABLE and runs nothing while Redis is away; requests without a key go on', async () => {
    const client = await connectAs(a, 'cid');
    await redis.stop();
    client.send({ event: 'plain', id: 1, idempotencyKey: 'k' });
    expect(await client.next()).toEqual({
      event: 'error',
      data: {
        code: 'UNAVAILABLE',
        message: 'A service this request needs is unavailable; nothing ran, retry later',
        event: 'plain',
        retryAfterMs: 1000,
      },
      id: 1,
    });
    expect(a.app.get(RunCounter).runs.get('plain')).toBeUndefined();
    client.send({ event: 'plain', id: 2 });
    expect(await client.next()).toEqual({ event: 'plain', data: { run: 1 }, id: 2 });
    await redis.start();
    await expect.poll(() => a.app.get<WsBus>(WsBus).isHealthy(), { timeout: 10_000 }).toBe(true);
    client.send({ event: 'plain', id: 3, idempotencyKey: 'k' });
    expect(await client.next()).toEqual({ event: 'plain', data: { run: 2 }, id: 3 });
  });
});

describe('idempotent requests in one process', () => {
  let node: TestApp;

  afterEach(async () => {
    node.app.get(RunCounter).release();
    await node.close();
  });

  it('replays an error reply with the same code and details, and runs the handler once', async () => {
    node = await startNode();
    const client = await connectAs(node, 'ann');
    const refused = {
      code: 'FORBIDDEN',
      message: 'Not for you',
      event: 'refuse',
      details: { rule: 'owner' },
    };
    client.send({ event: 'refuse', id: 1, idempotencyKey: 'r' });
    expect(await client.next()).toEqual({ event: 'error', data: refused, id: 1 });
    client.send({ event: 'refuse', id: 2, idempotencyKey: 'r' });
    expect(await client.next()).toEqual({ event: 'error', data: refused, id: 2 });
    expect(node.app.get(RunCounter).runs.get('refuse')).toBe(1);
  });

  it('replays INTERNAL as INTERNAL with a ref, without running again', async () => {
    node = await startNode();
    const client = await connectAs(node, 'ann');
    client.send({ event: 'boom', id: 1, idempotencyKey: 'b' });
    const first = await client.nextError('INTERNAL');
    client.send({ event: 'boom', id: 2, idempotencyKey: 'b' });
    const repeat = await client.nextError('INTERNAL');
    expect(repeat).toMatchObject({ id: 2, event: 'boom', details: { ref: expect.any(String) } });
    expect(first.id).toBe(1);
    expect(node.app.get(RunCounter).runs.get('boom')).toBe(1);
  });

  it('replays VALIDATION_FAILED of work with its details', async () => {
    node = await startNode();
    const client = await connectAs(node, 'ann');
    const failed = {
      code: 'VALIDATION_FAILED',
      message: 'Validation failed',
      event: 'work',
      details: [{ path: 'ms', constraints: ['ms must not be greater than 2000'] }],
    };
    for (const id of [1, 2]) {
      client.send({ event: 'work', data: { ms: 2001 }, id, idempotencyKey: 'v' });
      expect(await client.next()).toEqual({ event: 'error', data: failed, id });
    }
  });

  it('replays a stream: each value, then the error it ended with', async () => {
    node = await startNode();
    const client = await connectAs(node, 'ann');
    for (const id of [1, 2]) {
      client.send({ event: 'ticks', id, idempotencyKey: 't' });
      expect(await client.next()).toEqual({ event: 'tick', data: { run: 1, n: 1 }, id });
      expect(await client.next()).toEqual({ event: 'tick', data: { run: 1, n: 2 }, id });
      expect(await client.next()).toEqual({
        event: 'error',
        data: { code: 'GONE', message: 'Stream ended', event: 'ticks' },
        id,
      });
    }
    expect(node.app.get(RunCounter).runs.get('ticks')).toBe(1);
  });

  it('answers a key over 64 characters, empty or not a string with BAD_FRAME', async () => {
    node = await startNode();
    const client = await connectAs(node, 'ann');
    const message = '"idempotencyKey" must be a string of 1 to 64 characters';
    for (const [id, idempotencyKey] of [
      [1, 'k'.repeat(65)],
      [2, ''],
      [3, 42],
    ] as const) {
      client.send({ event: 'plain', id, idempotencyKey });
      expect(await client.next()).toEqual({
        event: 'error',
        data: { code: 'BAD_FRAME', message, event: 'plain' },
        id,
      });
    }
    client.send({ event: 'plain', id: 4, idempotencyKey: 'k'.repeat(64) });
    expect(await client.next()).toEqual({ event: 'plain', data: { run: 1 }, id: 4 });
    expect(node.app.get(RunCounter).runs.get('plain')).toBe(1);
  });

  it('answers a key reused on another event with BAD_REQUEST, running nothing', async () => {
    node = await startNode();
    const client = await connectAs(node, 'ann');
    client.send({ event: 'counter.increment', id: 1, idempotencyKey: 'once' });
    expect(await client.next()).toEqual({
      event: 'counter.incremented',
      data: { value: 1 },
      id: 1,
    });
    client.send({ event: 'plain', id: 2, idempotencyKey: 'once' });
    expect(await client.next()).toEqual({
      event: 'error',
      data: {
        code: 'BAD_REQUEST',
        message: 'This idempotencyKey was used with another event',
        event: 'plain',
      },
      id: 2,
    });
    expect(node.app.get(RunCounter).runs.get('plain')).toBeUndefined();
  });

  it('delivers a reply over maxReplyBytes once, and answers its repeats BAD_REQUEST REPLY_NOT_KEPT', async () => {
    node = await startNode({ idempotency: { maxReplyBytes: 1024 } });
    const client = await connectAs(node, 'ann');
    client.send({ event: 'big', data: { size: 2000 }, id: 1, idempotencyKey: 'big' });
    expect(await client.next()).toEqual({
      event: 'big',
      data: { run: 1, text: 'x'.repeat(2000) },
      id: 1,
    });
    client.send({ event: 'big', data: { size: 2000 }, id: 2, idempotencyKey: 'big' });
    expect(await client.next()).toEqual({
      event: 'error',
      data: {
        code: 'BAD_REQUEST',
        message: 'This request ran once; its reply was too large to keep for repeats',
        event: 'big',
        details: { reason: 'REPLY_NOT_KEPT' },
      },
      id: 2,
    });
    expect(node.app.get(RunCounter).runs.get('big')).toBe(1);
  });

  it('keeps at most maxKeys keys in process however many a client sends', async () => {
    node = await startNode({
      idempotency: { maxKeys: 50 },
      protection: { messageRate: false, userMessageRate: false },
    });
    const store = node.app.get(IDEMPOTENCY_STORE);
    expect(store).toBeInstanceOf(InMemoryIdempotencyStore);
    const client = await connectAs(node, 'ann');
    for (let id = 1; id <= 500; id += 1) {
      client.send({ event: 'plain', id, idempotencyKey: `key-${id}` });
    }
    for (let id = 1; id <= 500; id += 1) {
      expect(await client.next()).toEqual({ event: 'plain', data: { run: id }, id });
    }
    expect((store as InMemoryIdempotencyStore).size).toBe(50);
    // The newest keys are still answered from the store.
    client.send({ event: 'plain', id: 501, idempotencyKey: 'key-500' });
    expect(await client.next()).toEqual({ event: 'plain', data: { run: 500 }, id: 501 });
  });

  it('finishes and stores a first run whose connection dropped: the retry gets its reply', async () => {
    node = await startNode();
    const lost = await connectAs(node, 'ann');
    lost.send({ event: 'slow.once', data: 'paid', id: 1, idempotencyKey: 'pay' });
    await expect.poll(() => node.app.get(RunCounter).runs.get('slow.once')).toBe(1);
    lost.terminate();
    await lost.closed;
    node.app.get(RunCounter).release();
    const retry = await connectAs(node, 'ann');
    retry.send({ event: 'slow.once', data: 'paid', id: 1, idempotencyKey: 'pay' });
    expect(await retry.next()).toEqual({
      event: 'slow.done',
      data: { run: 1, data: 'paid' },
      id: 1,
    });
    expect(node.app.get(RunCounter).runs.get('slow.once')).toBe(1);
  });

  it('lets a repeat run again once the first run held its claim past claimTimeoutMs (at least once)', async () => {
    node = await startNode({ idempotency: { claimTimeoutMs: 300 } });
    const [first, repeat] = await Promise.all([connectAs(node, 'ann'), connectAs(node, 'ann')]);
    first.send({ event: 'slow.once', data: 'x', id: 1, idempotencyKey: 'long' });
    await expect.poll(() => node.app.get(RunCounter).runs.get('slow.once')).toBe(1);
    repeat.send({ event: 'slow.once', data: 'x', id: 2, idempotencyKey: 'long' });
    await expect.poll(() => node.app.get(RunCounter).runs.get('slow.once')).toBe(2);
    node.app.get(RunCounter).release();
    expect(await first.next()).toEqual({ event: 'slow.done', data: { run: 1, data: 'x' }, id: 1 });
    expect(await repeat.next()).toEqual({ event: 'slow.done', data: { run: 2, data: 'x' }, id: 2 });
  });

  it('leaves requests without a key alone', async () => {
    node = await startNode();
    const client = await connectAs(node, 'ann');
    for (const value of [1, 2, 3]) {
      expect(await client.request('counter.increment')).toMatchObject({ data: { value } });
    }
  });
});
