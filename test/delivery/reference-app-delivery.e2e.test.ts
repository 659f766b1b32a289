import { type INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '../../src/app/token.js';
import { WsBus } from '../../src/bus/ws-bus.interface.js';
import { RedisServer } from '../../src/testing/redis-server.js';
import { WsTestClient } from '../../src/testing/ws-test-client.js';
import { bootReferenceApp, httpPort } from '../support/reference-app.js';

const JWT_SECRET = 'reference-delivery-test-secret-012345';

function startApp(env: Record<string, string> = {}): Promise<INestApplication> {
  return bootReferenceApp({ JWT_SECRET, ...env });
}

function connectAs(app: INestApplication, user: string): Promise<WsTestClient> {
  return WsTestClient.connect(`ws://127.0.0.1:${httpPort(app)}/ws`, {
    token: signToken(JWT_SECRET, { sub: user, ttlSeconds: 60 }),
  });
}

describe('the reference app: work and counter.increment', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(() => app.close());

  it('answers work with work.done after waiting, in order with the frames after it', async () => {
    const client = await connectAs(app, 'ann');
    client.send({ event: 'work', data: { ms: 150 }, id: 1 });
    client.send({ event: 'echo', data: { text: 'after' }, id: 2 });
    expect(await client.next()).toEqual({ event: 'work.done', data: { ms: 150 }, id: 1 });
    expect(await client.next()).toEqual({ event: 'echo', data: { text: 'after' }, id: 2 });
    client.terminate();
  });

  it('validates work: ms an integer from 0 to 2000', async () => {
    const client = await connectAs(app, 'ann');
    const cases: Array<[unknown, string]> = [
      [{ ms: 2001 }, 'ms must not be greater than 2000'],
      [{ ms: -1 }, 'ms must not be less than 0'],
      [{ ms: 1.5 }, 'ms must be an integer number'],
      [{}, 'ms must be an integer number'],
    ];
    for (const [index, [data, constraint]] of cases.entries()) {
      client.send({ event: 'work', data, id: index });
      const error = await client.nextError('VALIDATION_FAILED');
      expect(error.id).toBe(index);
      expect(error.details).toEqual([
        { path: 'ms', constraints: expect.arrayContaining([constraint]) },
      ]);
    }
    expect(await client.request('work', { ms: 0 })).toMatchObject({
      event: 'work.done',
      data: { ms: 0 },
    });
    client.terminate();
  });

  it("counts each user's own counter, one more each time", async () => {
    const [ann, bob] = await Promise.all([connectAs(app, 'cat'), connectAs(app, 'dan')]);
    for (const value of [1, 2, 3]) {
      expect(await ann.request('counter.increment')).toMatchObject({
        event: 'counter.incremented',
        data: { value },
      });
    }
    expect(await bob.request('counter.increment')).toMatchObject({ data: { value: 1 } });
    ann.terminate();
    bob.terminate();
  });
});

describe('the reference app on Redis: one counter per user across nodes', () => {
  let redis: RedisServer;
  let nodes: INestApplication[];
  let nodeA: INestApplication;
  let nodeB: INestApplication;

  beforeAll(async () => {
    redis = await RedisServer.start();
    nodes = await Promise.all([
      startApp({ REDIS_URL: redis.url }),
      startApp({ REDIS_URL: redis.url }),
    ]);
    [nodeA, nodeB] = nodes as [INestApplication, INestApplication];
  });
  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.close()));
    await redis.stop();
  });

  it('shares the counter between the nodes', async () => {
    for (const node of nodes) {
      await expect.poll(() => node.get<WsBus>(WsBus).isHealthy()).toBe(true);
    }
    const [onA, onB] = await Promise.all([connectAs(nodeA, 'eve'), connectAs(nodeB, 'eve')]);
    expect(await onA.request('counter.increment')).toMatchObject({ data: { value: 1 } });
    expect(await onB.request('counter.increment')).toMatchObject({ data: { value: 2 } });
    onB.send({ event: 'counter.increment', id: 'k1', idempotencyKey: 'tap-1' });
    expect(await onB.next()).toEqual({
      event: 'counter.incremented',
      data: { value: 3 },
      id: 'k1',
    });
    onA.send({ event: 'counter.increment', id: 'k2', idempotencyKey: 'tap-1' });
    expect(await onA.next()).toEqual({
      event: 'counter.incremented',
      data: { value: 3 },
      id: 'k2',
    });
    expect(await onA.request('counter.increment')).toMatchObject({ data: { value: 4 } });
    onA.terminate();
    onB.terminate();
  });
});
