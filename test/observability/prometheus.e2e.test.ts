import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { WsTestClient } from '../../src/testing/ws-test-client.js';
import { claims, signJwt } from '../auth/support/tokens.js';
import { type ReferenceApp, startReferenceApp } from '../hostile/support/reference-app.js';
import { PrometheusServer } from './support/prometheus-server.js';

const root = resolve(import.meta.dirname, '../..');
const RULES_FILE = resolve(root, 'ops/prometheus/secure-ws-alerts.yml');
const DASHBOARD_FILE = resolve(root, 'ops/grafana/secure-ws-dashboard.json');
const SECRET = 'prometheus-test-secret-long-enough-0123456789';

interface Dashboard {
  panels: Array<{ type: string; title: string; targets?: Array<{ expr: string }> }>;
}

/** The dashboard's queries with Grafana's variables as a dashboard showing "All" would send them. */
function dashboardQueries(): Array<{ panel: string; expr: string }> {
  const dashboard = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as Dashboard;
  return dashboard.panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({
      panel: panel.title,
      expr: target.expr
        .replaceAll('$__rate_interval', '1m')
        .replaceAll('$job', '.+')
        .replaceAll('$instance', '.+'),
    })),
  );
}

/** Each alert's name and expression, read from the shipped rules file. */
function alertRules(): Array<{ alert: string; expr: string }> {
  const rules: Array<{ alert: string; expr: string }> = [];
  const lines = readFileSync(RULES_FILE, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const name = /^\s+- alert: (\S+)/.exec(lines[i] as string)?.[1];
    if (!name) continue;
    const exprLine = lines[i + 1] as string;
    let expr = exprLine.replace(/^\s+expr:\s*(>-)?\s*/, '');
    if (exprLine.trimEnd().endsWith('>-')) {
      expr = '';
      for (let j = i + 2; /^\s{10}\S/.test(lines[j] ?? ''); j += 1) expr += `${lines[j]?.trim()} `;
    }
    rules.push({ alert: name, expr: expr.trim() });
  }
  return rules;
}

async function refusedUpgrade(port: number): Promise<number> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`, { origin: 'http://evil.example' });
  return new Promise((done) => {
    socket.on('unexpected-response', (_request, response) => {
      done(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('error', () => done(0));
  });
}

describe('the operations kit against a real Prometheus', () => {
  let app: ReferenceApp;
  let prometheus: PrometheusServer;

  beforeAll(async () => {
    app = await startReferenceApp({
      JWT_SECRET: SECRET,
      MESSAGES_PER_SECOND: '5',
      MESSAGE_BURST: '5',
      RATE_LIMIT_STRIKES: '1000',
    });
    // The shipped rules, with every `for` at 0 s so that a provoked alert fires at once.
    const rules = readFileSync(RULES_FILE, 'utf8').replace(/for: \S+/g, 'for: 0s');
    prometheus = await PrometheusServer.start({ targets: [`127.0.0.1:${app.opsPort}`], rules });
  }, 60_000);
  afterAll(async () => {
    await prometheus?.stop();
    await app?.close();
  });

  it('promtool accepts the shipped rules', async () => {
    const { stdout } = await promisify(execFile)('promtool', ['check', 'rules', RULES_FILE]);
    expect(stdout).toContain(`SUCCESS: ${alertRules().length} rules found`);
    expect(alertRules().map((rule) => rule.alert)).toEqual([
      'SecureWsErrorFrameRatioHigh',
      'SecureWsInternalErrors',
      'SecureWsHandshakeRefusalsSpike',
      'SecureWsBusDown',
      'SecureWsSlowConsumers',
      'SecureWsShutdownTakingLong',
    ]);
  });

  it('every dashboard query and alert expression is valid PromQL over series that exist; a provoked alert fires', async () => {
    await expect.poll(() => prometheus.targetsUp(), { timeout: 15_000 }).toBe(true);
    // Traffic that touches every metric: refusals, replies, client errors, rate limits, closes.
    for (let i = 0; i < 5; i += 1) expect(await refusedUpgrade(app.port)).toBe(403);
    const client = await WsTestClient.connect(`ws://127.0.0.1:${app.port}/ws`, {
      token: signJwt(claims('alice'), { key: SECRET }),
    });
    expect(await client.request('echo', { text: 'hi' })).toMatchObject({ event: 'echo' });
    await client.request('profile.update', { email: 'not an email' });
    await client.request('room.join', { room: 'ops' });
    for (let i = 0; i < 20; i += 1) client.sendText('not json');
    for (let i = 0; i < 20; i += 1) client.emit('echo', { text: `flood ${i}` });
    const other = await WsTestClient.connect(`ws://127.0.0.1:${app.port}/ws`, {
      token: signJwt(claims('bob'), { key: SECRET }),
    });
    other.close();

    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThanOrEqual(16);
    for (const { panel, expr } of queries) {
      const answer = await prometheus.query(expr);
      expect(answer.status, `${panel}: ${expr} ${answer.error ?? ''}`).toBe('success');
    }
    await expect
      .poll(
        async () => {
          const empty: string[] = [];
          for (const { panel, expr } of queries) {
            if ((await prometheus.query(expr)).data.result.length === 0) empty.push(panel);
          }
          return empty;
        },
        { timeout: 20_000, interval: 1000 },
      )
      .toEqual([]);

    for (const { alert, expr } of alertRules()) {
      const answer = await prometheus.query(expr);
      expect(answer.status, `${alert}: ${answer.error ?? ''}`).toBe('success');
      for (const metric of new Set(expr.match(/secure_ws_[a-z_]+/g))) {
        const series = await prometheus.query(metric);
        expect(series.data.result.length, `${alert} uses ${metric}`).toBeGreaterThan(0);
      }
    }

    // Bad frames keep coming (a fresh connection each second, under the bad-frame close limit)
    // against a handful of handled messages: error frames per message far above 0.2.
    let provoking = true;
    const provoke = (async () => {
      while (provoking) {
        const bad = await WsTestClient.connect(`ws://127.0.0.1:${app.port}/ws`, {
          token: signJwt(claims('mallory'), { key: SECRET }),
        });
        for (let i = 0; i < 3; i += 1) bad.sendText('not json');
        await new Promise((resolve) => setTimeout(resolve, 1000));
        bad.close();
      }
    })();
    try {
      await expect
        .poll(async () => (await prometheus.alerts()).filter((a) => a.state === 'firing'), {
          timeout: 30_000,
          interval: 500,
        })
        .toContainEqual({ name: 'SecureWsErrorFrameRatioHigh', state: 'firing' });
    } finally {
      provoking = false;
      await provoke;
    }
    const quiet = (await prometheus.alerts()).map((a) => a.name);
    expect(quiet).not.toContain('SecureWsBusDown');
    expect(quiet).not.toContain('SecureWsShutdownTakingLong');
    client.close();
  }, 90_000);
});
