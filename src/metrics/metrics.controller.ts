import { Controller, Get, Header } from '@nestjs/common';
import { Registry } from 'prom-client';
import { SecureWsMetrics } from './secure-ws-metrics.js';

/**
 * `GET /metrics` in Prometheus text format. Add it to a module's
 * `controllers` to serve it (the module does not add routes by itself).
 */
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: SecureWsMetrics) {}

  @Get()
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  scrape(): Promise<string> {
    return this.metrics.scrape();
  }
}
