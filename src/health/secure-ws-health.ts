import { Injectable } from '@nestjs/common';
import { ConnectionRegistry } from '../connection/connection-registry.js';
import { within } from '../util/within.js';
import {
  type HealthIndicator,
  type HealthIndicatorResult,
  type HealthReport,
} from './health-indicator.interface.js';

const CHECK_TIMEOUT_MS = 2000;

function down(reason: string): HealthIndicatorResult {
  return { status: 'down', reason };
}

async function checkWithin(indicator: HealthIndicator): Promise<HealthIndicatorResult> {
  try {
    return await within(
      Promise.resolve().then(() => indicator.check()),
      CHECK_TIMEOUT_MS,
      down('no answer in time'),
    );
  } catch (error) {
    return down(error instanceof Error ? error.message.slice(0, 200) : 'check failed');
  }
}

/**
 * Liveness and readiness. The built-in `websocket` indicator is down while
 * the app shuts down; other modules add theirs with `register()`.
 */
@Injectable()
export class SecureWsHealth {
  private readonly indicators: HealthIndicator[] = [];

  constructor(private readonly connections: ConnectionRegistry) {
    this.register({
      name: 'websocket',
      check: () => ({
        status: this.connections.shuttingDown ? 'down' : 'up',
        connections: this.connections.size,
        ...(this.connections.shuttingDown ? { reason: 'shutting down' } : {}),
      }),
    });
  }

  /** Adds an indicator readiness depends on; a second one of the same name replaces the first. */
  register(indicator: HealthIndicator): void {
    const index = this.indicators.findIndex((known) => known.name === indicator.name);
    if (index === -1) this.indicators.push(indicator);
    else this.indicators[index] = indicator;
  }

  /** Runs every indicator (in parallel, each with a timeout) and reports. */
  async report(): Promise<HealthReport> {
    const results = await Promise.all(this.indicators.map(checkWithin));
    const report: HealthReport = {
      status: 'ok',
      live: true,
      ready: true,
      info: {},
      error: {},
      details: {},
    };
    this.indicators.forEach((indicator, index) => {
      const result = results[index] ?? down('no result');
      report.details[indicator.name] = result;
      if (result.status === 'up') {
        report.info[indicator.name] = result;
      } else {
        report.error[indicator.name] = result;
        report.status = 'error';
        report.ready = false;
      }
    });
    return report;
  }
}
