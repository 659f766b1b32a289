import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/testing/free-port.js';
import { WsTestClient } from '../../src/testing/ws-test-client.js';
import { claims, signJwt } from '../auth/support/tokens.js';
import {
  buildReferenceApp,
  type ReferenceAppBuild,
  type RunningReferenceApp,
  startReferenceApp,
} from '../browser/support/built-reference-app.js';
import { randomTraceparent } from './support/in-memory-tracing.js';

const SECRET = 'otel-env-secret-long-enough-0123456789abc';
/** The Node SDK loads every exporter it knows at start: slow on a loaded machine. */
const SDK_START_MS = 50_000;

/** Sends one traced echo to the app and waits for its reply. */
async function tracedEcho(app: RunningReferenceApp, traceparent?: string): Promise<void> {
  const client = await WsTestClient.connect(`ws://127.0.0.1:${app.port}/ws`, {
    token: signJwt(claims('alice'), { key: SECRET }),
  });
  client.send({ event: 'echo', data: { text: 'traced' }, id: 1, traceparent });
  expect(await client.next()).toEqual({ event: 'echo', data: { text: 'traced' }, id: 1 });
  client.close();
}

interface OtlpSpan {
  name: string;
  traceId: string;
}

function fileLines(path: string): Array<Record<string, unknown>> {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('the reference app as a process: OpenTelemetry environment, LOG_FILE', () => {
  let build: ReferenceAppBuild;
  let app: RunningReferenceApp | undefined;

  beforeAll(async () => {
    build = await buildReferenceApp();
  }, 120_000);
  afterAll(async () => {
    await app?.stop();
    build?.remove();
  });

  it('OTEL_TRACES_EXPORTER=otlp sends spans to OTEL_EXPORTER_OTLP_ENDPOINT as OTEL_SERVICE_NAME', async () => {
    const received: Array<{ service: unknown; spans: OtlpSpan[] }> = [];
    const collector: Server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      request.on('end', () => {
        if (request.url === '/v1/traces') {
          const payload = JSON.parse(body) as {
            resourceSpans: Array<{
              resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
              scopeSpans: Array<{ spans: OtlpSpan[] }>;
            }>;
          };
          for (const resourceSpans of payload.resourceSpans) {
            received.push({
              service: resourceSpans.resource.attributes.find((a) => a.key === 'service.name')
                ?.value.stringValue,
              spans: resourceSpans.scopeSpans.flatMap((scope) => scope.spans),
            });
          }
        }
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    const port = await freePort();
    await new Promise<void>((done) => collector.listen(port, '127.0.0.1', done));
    try {
      app = await startReferenceApp(
        build,
        {
          JWT_SECRET: SECRET,
          OTEL_TRACES_EXPORTER: 'otlp',
          OTEL_SERVICE_NAME: 'ws-gateway-under-test',
          OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
          OTEL_BSP_SCHEDULE_DELAY: '100',
        },
        SDK_START_MS,
      );
      const { traceparent, traceId } = randomTraceparent();
      await tracedEcho(app, traceparent);
      await expect
        .poll(() => received.flatMap((r) => r.spans).find((s) => s.name === 'process echo'), {
          timeout: 10_000,
        })
        .toMatchObject({ traceId: expect.stringMatching(new RegExp(traceId, 'i')) });
      expect(received[0]?.service).toBe('ws-gateway-under-test');
    } finally {
      await app?.stop();
      app = undefined;
      collector.close();
    }
  }, 120_000);

  it('OTEL_TRACES_EXPORTER=console prints the spans; unset, nothing is traced', async () => {
    app = await startReferenceApp(
      build,
      { JWT_SECRET: SECRET, OTEL_TRACES_EXPORTER: 'console' },
      SDK_START_MS,
    );
    await tracedEcho(app);
    const printed = () => app?.logs.some((l) => String(l.text).includes("name: 'process echo'"));
    await expect.poll(printed, { timeout: 10_000 }).toBe(true);
    await app.stop();

    app = await startReferenceApp(build, { JWT_SECRET: SECRET });
    await tracedEcho(app);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(app.logs.some((l) => String(l.text).includes('process echo'))).toBe(false);
    await app.stop();
    app = undefined;
  }, 120_000);

  it('LOG_FILE carries the message context on errors and is reopened on SIGHUP (logrotate)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secure-ws-log-'));
    const logFile = join(dir, 'app.log');
    try {
      app = await startReferenceApp(build, {
        JWT_SECRET: SECRET,
        LOG_FILE: logFile,
        LOG_LEVEL: 'debug',
      });
      const running = app;
      const client = await WsTestClient.connect(`ws://127.0.0.1:${running.port}/ws`, {
        token: signJwt(claims('alice'), { key: SECRET }),
      });
      const { traceparent, traceId } = randomTraceparent();
      client.send({ event: 'profile.update', data: { email: 'nope' }, id: 'p-1', traceparent });
      await client.nextError('VALIDATION_FAILED');
      const clientError = () =>
        fileLines(logFile).find((line) => line.msg === 'Client error' && line.requestId === 'p-1');
      await expect.poll(clientError, { timeout: 5000 }).toMatchObject({
        code: 'VALIDATION_FAILED',
        event: 'profile.update',
        requestId: 'p-1',
        traceId,
        userId: 'alice',
        connId: expect.any(String),
      });

      // logrotate: rename, then SIGHUP; later lines go to a new LOG_FILE.
      renameSync(logFile, `${logFile}.1`);
      running.signal('SIGHUP');
      await new Promise((resolve) => setTimeout(resolve, 200));
      client.send({ event: 'profile.update', data: { email: 'nope' }, id: 'p-2' });
      await client.nextError('VALIDATION_FAILED');
      await expect
        .poll(() => fileLines(logFile).some((line) => line.requestId === 'p-2'), { timeout: 5000 })
        .toBe(true);
      expect(fileLines(`${logFile}.1`).some((line) => line.requestId === 'p-2')).toBe(false);
      client.close();
      await running.stop();
      app = undefined;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
