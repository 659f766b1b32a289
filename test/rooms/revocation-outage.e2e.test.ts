import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatGateway } from '../../src/app/gateways/chat.gateway.js';
import { signToken } from '../../src/app/token.js';
import { WsSessionRegistry } from '../../src/auth/ws-session-registry.js';
import { RedisServer } from '../../src/testing/redis-server.js';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';
import { busOf } from './two-nodes.js';

const SECRET = 'revocation-outage-test-secret-0123456789';

describe('a revocation made while Redis is away', () => {
  let redis: RedisServer;
  let a: TestApp;
  let b: TestApp;

  const startNode = () =>
    createTestApp({
      providers: [ChatGateway],
      module: {
        heartbeat: false,
        auth: { secret: SECRET },
        redis: { url: redis.url, presenceTtlMs: 3000, maxReconnectDelayMs: 200 },
      },
    });
  const bearer = (sub: string) => ({
    headers: { Authorization: `Bearer ${signToken(SECRET, { sub, ttlSeconds: 60 })}` },
  });

  beforeAll(async () => {
    redis = await RedisServer.start();
    [a, b] = await Promise.all([startNode(), startNode()]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await redis?.stop();
  });

  it('reaches the other nodes once Redis is back', async () => {
    await expect.poll(() => busOf(a).isHealthy() && busOf(b).isHealthy()).toBe(true);
    const eveOnA = await a.connect('/ws', bearer('eve'));
    const eveOnB = await b.connect('/ws', bearer('eve'));

    await redis.stop();
    await expect.poll(() => busOf(a).isHealthy() || busOf(b).isHealthy()).toBe(false);
    await a.app.get(WsSessionRegistry).revokeUser('eve');
    expect(await eveOnA.closed).toEqual({ code: 4403, reason: 'SESSION_REVOKED' });
    expect(await eveOnB.quietFor(200)).toBe(true);

    await redis.start();
    await eveOnB.nextError('SESSION_REVOKED', 10_000);
    expect(await eveOnB.closed).toEqual({ code: 4403, reason: 'SESSION_REVOKED' });
  });
});
