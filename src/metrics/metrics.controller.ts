import { Controller, Get, Header, Inject, NotFoundException, Optional } from '@nestjs/common';
import { Registry } from 'prom-client';
import { OperationsServer } from '../operations/operations-server.js';
import { SecureWsMetrics } from './secure-ws-metrics.js';

/**
 * `GET /metrics` in Prometheus text format. Add it to a module's
 * `controllers` to serve it (the module does not add routes by itself).
 * With the `operations` option it answers 404: metrics are served on the
 * operations address only.
 */
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: SecureWsMetrics,
    @Optional() @Inject(OperationsServer) private readonly operations?: OperationsServer,
  ) {}

  @Get()
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  scrape(): Promise<string> {
    if (this.operations?.enabled) throw new NotFoundException();
    return this.metrics.scrape();
  }
}
