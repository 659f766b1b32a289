import { Controller, Get, Header, Inject, NotFoundException, Optional } from '@nestjs/common';
import { Registry } from 'prom-client';
import { type ResolvedSecureWsOptions } from '../options/secure-ws-options.interface.js';
import { SECURE_WS_OPTIONS } from '../options/secure-ws-options.token.js';
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
    @Optional() @Inject(SECURE_WS_OPTIONS) private readonly options?: ResolvedSecureWsOptions,
  ) {}

  @Get()
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  scrape(): Promise<string> {
    if (this.options?.operations) throw new NotFoundException();
    return this.metrics.scrape();
  }
}
