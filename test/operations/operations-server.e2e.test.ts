import { describe, expect, it } from 'vitest';
import { HealthController } from '../../src/health/health.controller.js';
import { MetricsController } from '../../src/metrics/metrics.controller.js';
import { OperationsServer } from '../../src/operations/operations-server.js';
import { type SecureWsModuleOptions } from '../../src/options/secure-ws-options.interface.js';
import { freePort } from '../../src/testing/free-port.js';
import { type TestApp } from '../../src/testing/test-app.js';
import { WsTestClient } from '../../src/testing/ws-test-client.js';
import { GuardedGateway } from '../protection/support/guarded.gateway.js';
import { appsPerTest } from '../support/apps-per-test.js';
import { httpGet } from '../support/metrics-scrape.js';

describe('the operations option: /metrics and detailed health on an internal address', () => {
  const start = appsPerTest();

  function boot(module: SecureWsModuleOptions = {}): Promise<TestApp> {
    return start({
      providers: [GuardedGateway],
      controllers: [MetricsController, HealthController],
      module: { metrics: { defaultMetrics: true }, ...module },
    });
  }

  function opsPort(app: TestApp): number {
    const address = app.app.get(OperationsServer).address();
    if (!address) throw new Error('the operations server is not listening');
    return address.port;
  }

  it('serves /metrics, /health and /health/ready on the ops address only; /health/live on both', async () => {
    const app = await boot({ operations: { port: 0 } });
    const ops = opsPort(app);
    expect(ops).not.toBe(app.port);
    expect(app.app.get(OperationsServer).address()?.address).toBe('127.0.0.1');

    expect((await httpGet(app.port, '/metrics')).status).toBe(404);
    expect((await httpGet(app.port, '/health')).status).toBe(404);
    expect((await httpGet(app.port, '/health/ready')).status).toBe(404);
    const publicLive = await httpGet(app.port, '/health/live');
    expect(publicLive.status).toBe(200);
    expect(JSON.parse(publicLive.body)).toEqual({ status: 'ok', live: true });

    const client = await WsTestClient.connect(app.url('/guarded'));
    const metrics = await httpGet(ops, '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(metrics.body).toContain('# TYPE secure_ws_handshakes_total counter');
    expect(metrics.body).toMatch(/^secure_ws_connections_open 1$/m);
    expect(metrics.body).toContain('nodejs_version_info');
    client.terminate();

    for (const path of ['/health', '/health/ready']) {
      const health = await httpGet(ops, path);
      expect(health.status, path).toBe(200);
      expect(JSON.parse(health.body)).toMatchObject({ status: 'ok', live: true, ready: true });
    }
    expect((await httpGet(ops, '/health/live')).status).toBe(200);
    expect((await httpGet(ops, '/nothing')).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${ops}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('binds the given port and closes it with the app', async () => {
    const port = await freePort();
    const app = await boot({ operations: { port, host: '127.0.0.1' } });
    expect(opsPort(app)).toBe(port);
    expect((await httpGet(port, '/metrics')).status).toBe(200);
    await app.close();
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  });

  it('keeps serving everything on the app port without the option', async () => {
    const app = await boot();
    expect(app.app.get(OperationsServer).address()).toBeUndefined();
    expect((await httpGet(app.port, '/metrics')).status).toBe(200);
    expect((await httpGet(app.port, '/health')).status).toBe(200);
    expect((await httpGet(app.port, '/health/ready')).status).toBe(200);
    expect((await httpGet(app.port, '/health/live')).status).toBe(200);
  });

  it.each([
    [{ port: -1 }, /"operations.port" must be a port number/],
    [{ port: 70_000 }, /"operations.port" must be a port number/],
    [{ port: 1.5 }, /"operations.port" must be a port number/],
    [{ port: 0, host: '' }, /"operations.host" must be a non-empty address/],
  ])('refuses operations %j at start-up', async (operations, message) => {
    await expect(boot({ operations })).rejects.toThrow(message);
  });
});
