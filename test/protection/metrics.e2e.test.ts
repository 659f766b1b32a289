import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { ConnectionRegistry } from '../../src/connection/connection-registry.js';
import { MetricsController } from '../../src/metrics/metrics.controller.js';
import { SecureWsMetrics } from '../../src/metrics/secure-ws-metrics.js';
import { type SecureWsModuleOptions } from '../../src/options/secure-ws-options.interface.js';
import { HandshakeGuard } from '../../src/protection/handshake-guard.js';
import { type TestApp } from '../../src/testing/test-app.js';
import { appsPerTest } from '../support/apps-per-test.js';
import { scrape } from '../support/metrics-scrape.js';
import { GuardedGateway } from './support/guarded.gateway.js';
import { expectRefused } from './support/upgrade.js';
import { waitFor } from './support/wait-for.js';

describe('Prometheus metrics at GET /metrics', () => {
  const start = appsPerTest();

  function boot(module: SecureWsModuleOptions = {}): Promise<TestApp> {
    return start({
      providers: [GuardedGateway],
      controllers: [MetricsController],
      module: {
        ...module,
        protection: {
          allowedOrigins: ['https://app.example.com'],
          // Every frame counts, an unknown event too: the fifth is refused.
          messageRate: { points: 1, durationMs: 60_000, burst: 4 },
          abuse: false,
        },
      },
    });
  }

  it('serves the text format with its content type', async () => {
    const app = await boot();
    const response = await fetch(`http://127.0.0.1:${app.port}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await response.text()).toContain('# TYPE secure_ws_handshakes_total counter');
  });

  it('counts what the tests do: handshakes, connections, messages, errors, rate limits, closes', async () => {
    const app = await boot();
    const url = app.url('/guarded');
    expect((await scrape(app.port)).get('secure_ws_connections_open')).toBe(0);

    await expectRefused(url, 403, 'ORIGIN_NOT_ALLOWED', { origin: 'https://evil.example' });
    const client = await app.connect('/guarded');
    let m = await scrape(app.port);
    expect(m.get('secure_ws_handshakes_total{outcome="ORIGIN_NOT_ALLOWED"}')).toBe(1);
    expect(m.get('secure_ws_handshakes_total{outcome="accepted"}')).toBe(1);
    expect(m.get('secure_ws_connections_open')).toBe(1);

    await client.request('echo', 'hi');
    await client.request('echo', 'again');
    client.emit('fail');
    await client.nextError('INTERNAL');
    client.emit('no.such.event');
    await client.nextError('UNKNOWN_EVENT');
    client.emit('echo', 'over the limit');
    await client.nextError('RATE_LIMITED');

    m = await scrape(app.port);
    expect(m.get('secure_ws_messages_total{event="echo",outcome="ok"}')).toBe(2);
    expect(m.get('secure_ws_messages_total{event="fail",outcome="INTERNAL"}')).toBe(1);
    expect(m.get('secure_ws_handler_duration_seconds_count{event="echo"}')).toBe(2);
    expect(m.get('secure_ws_error_frames_total{code="INTERNAL"}')).toBe(1);
    expect(m.get('secure_ws_error_frames_total{code="UNKNOWN_EVENT"}')).toBe(1);
    expect(m.get('secure_ws_error_frames_total{code="RATE_LIMITED"}')).toBe(1);
    expect(m.get('secure_ws_rate_limited_total')).toBe(1);
    // Labels stay bounded: an event nobody handles never becomes a label.
    expect([...m.keys()].some((key) => key.includes('no.such.event'))).toBe(false);

    client.close(1000);
    await client.closed;
    const rogue = await app.connect('/guarded');
    rogue.close(4321);
    await rogue.closed;
    const guard = app.app.get(HandshakeGuard);
    const registry = app.app.get(ConnectionRegistry);
    await waitFor(() => guard.openCount === 0 && registry.size === 0);
    m = await scrape(app.port);
    expect(m.get('secure_ws_closes_total{code="1000"}')).toBe(1);
    expect(m.get('secure_ws_closes_total{code="other"}')).toBe(1);
    expect(m.get('secure_ws_connections_open')).toBe(0);
    expect(m.get('secure_ws_slow_consumers_total')).toBe(0);
  });

  it('keeps a registry per app, and takes the one a user passes', async () => {
    const registry = new Registry();
    const first = await boot({ metrics: { registry } });
    const second = await boot();
    expect(first.app.get(SecureWsMetrics).registry).toBe(registry);
    (await first.connect('/guarded')).terminate();
    expect((await scrape(first.port)).get('secure_ws_handshakes_total{outcome="accepted"}')).toBe(
      1,
    );
    expect((await scrape(second.port)).get('secure_ws_handshakes_total{outcome="accepted"}')).toBe(
      undefined,
    );
    expect(await registry.getSingleMetricAsString('secure_ws_handshakes_total')).toContain(
      'secure_ws_handshakes_total{outcome="accepted"} 1',
    );
  });
});
