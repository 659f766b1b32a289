import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionRegistry } from '../../src/connection/connection-registry.js';
import { HealthController } from '../../src/health/health.controller.js';
import { SecureWsHealth } from '../../src/health/secure-ws-health.js';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';
import { GuardedGateway } from './support/guarded.gateway.js';
import { waitFor } from './support/wait-for.js';

async function getHealth(port: number, path = '/health') {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('GET /health', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  async function boot(): Promise<TestApp> {
    t = await createTestApp({
      providers: [GuardedGateway],
      controllers: [HealthController],
      module: { drainTimeoutMs: 5000 },
    });
    return t;
  }

  it('reports live and ready, in the shape of @nestjs/terminus', async () => {
    const app = await boot();
    await app.connect('/guarded');
    const websocket = { status: 'up', connections: 1 };
    expect(await getHealth(app.port)).toEqual({
      status: 200,
      body: {
        status: 'ok',
        live: true,
        ready: true,
        info: { websocket },
        error: {},
        details: { websocket },
      },
    });
    expect(await getHealth(app.port, '/health/live')).toEqual({
      status: 200,
      body: { status: 'ok', live: true },
    });
  });

  it('is not ready when a registered indicator is down or throws', async () => {
    const app = await boot();
    const health = app.app.get(SecureWsHealth);
    health.register({ name: 'redis', check: () => ({ status: 'down', reason: 'ECONNREFUSED' }) });
    health.register({
      name: 'broken',
      check: () => {
        throw new Error('socket closed');
      },
    });
    const { status, body } = await getHealth(app.port);
    expect(status).toBe(503);
    expect(body).toMatchObject({
      status: 'error',
      live: true,
      ready: false,
      info: { websocket: { status: 'up' } },
      error: {
        redis: { status: 'down', reason: 'ECONNREFUSED' },
        broken: { status: 'down', reason: 'socket closed' },
      },
    });
    health.register({ name: 'redis', check: async () => ({ status: 'up' }) });
    health.register({ name: 'broken', check: () => ({ status: 'up' }) });
    expect((await getHealth(app.port)).status).toBe(200);
  });

  it('flips to not ready while the app shuts down', async () => {
    const app = await boot();
    const client = await app.connect('/guarded');
    expect((await getHealth(app.port)).status).toBe(200);
    client.emit('slow', 400);
    const registry = app.app.get(ConnectionRegistry);
    await waitFor(() => [...registry.all()].some((connection) => connection.inflightCount === 1));
    const closing = app.app.close();
    t = undefined;
    const during = await getHealth(app.port);
    expect(during).toMatchObject({
      status: 503,
      body: {
        status: 'error',
        live: true,
        ready: false,
        error: { websocket: { status: 'down', reason: 'shutting down' } },
      },
    });
    expect((await getHealth(app.port, '/health/live')).status).toBe(200);
    await closing;
    expect(await client.next()).toEqual({ event: 'slow', data: 'done', id: '1' });
    await client.nextError('SHUTTING_DOWN');
  });
});
