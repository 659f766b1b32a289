import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Registry } from 'prom-client';
import { SecureWsHealth } from '../health/secure-ws-health.js';
import { SecureWsMetrics } from '../metrics/secure-ws-metrics.js';
import { type ResolvedSecureWsOptions } from '../options/secure-ws-options.interface.js';
import { SECURE_WS_OPTIONS } from '../options/secure-ws-options.token.js';

function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  });
  response.end(body);
}

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * The `operations` option's server: a small `node:http` server on its own
 * (internal) address serving `GET /metrics`, `/health`, `/health/ready` and
 * `/health/live`. Started at app bootstrap, closed at shutdown, after the
 * drain, so that readiness answers 503 while the app stops.
 */
@Injectable()
export class OperationsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private server: Server | undefined;

  constructor(
    @Inject(SECURE_WS_OPTIONS) private readonly options: ResolvedSecureWsOptions,
    private readonly metrics: SecureWsMetrics,
    private readonly health: SecureWsHealth,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const operations = this.options.operations;
    if (!operations || this.server) return;
    const server = createServer((request, response) => {
      this.answer(request, response).catch(() => {
        if (!response.headersSent) send(response, 500, JSON_TYPE, '{"status":"error"}');
        else response.destroy();
      });
    });
    server.headersTimeout = 10_000;
    server.requestTimeout = 30_000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(operations.port, operations.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  }

  /** The bound address, or `undefined` when the option is off or the server is not started. */
  address(): AddressInfo | undefined {
    const address = this.server?.address();
    return address && typeof address === 'object' ? address : undefined;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      send(response, 405, JSON_TYPE, '{"statusCode":405,"message":"Method Not Allowed"}');
      return;
    }
    switch (path) {
      case '/metrics':
        send(response, 200, Registry.PROMETHEUS_CONTENT_TYPE, await this.metrics.scrape());
        return;
      case '/health':
      case '/health/ready': {
        const report = await this.health.report();
        send(response, report.ready ? 200 : 503, JSON_TYPE, JSON.stringify(report));
        return;
      }
      case '/health/live':
        send(response, 200, JSON_TYPE, JSON.stringify({ status: 'ok', live: true }));
        return;
      default:
        send(response, 404, JSON_TYPE, '{"statusCode":404,"message":"Not Found"}');
    }
  }
}
