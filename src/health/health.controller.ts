import { Controller, Get, Header, Inject, NotFoundException, Optional, Res } from '@nestjs/common';
import { type ResolvedSecureWsOptions } from '../options/secure-ws-options.interface.js';
import { SECURE_WS_OPTIONS } from '../options/secure-ws-options.token.js';
import { type HealthReport } from './health-indicator.interface.js';
import { SecureWsHealth } from './secure-ws-health.js';

interface StatusResponse {
  status(code: number): unknown;
}

/**
 * `GET /health` (readiness and liveness, 503 when not ready),
 * `GET /health/live` (always 200 while the process answers) and
 * `GET /health/ready`. Add it to a module's `controllers` to serve it.
 * With the `operations` option only `/health/live` is served here; the
 * detailed reports are on the operations address.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: SecureWsHealth,
    @Optional() @Inject(SECURE_WS_OPTIONS) private readonly options?: ResolvedSecureWsOptions,
  ) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  async check(@Res({ passthrough: true }) response: StatusResponse): Promise<HealthReport> {
    if (this.options?.operations) throw new NotFoundException();
    const report = await this.health.report();
    response.status(report.ready ? 200 : 503);
    return report;
  }

  @Get('ready')
  @Header('Cache-Control', 'no-store')
  ready(@Res({ passthrough: true }) response: StatusResponse): Promise<HealthReport> {
    return this.check(response);
  }

  @Get('live')
  @Header('Cache-Control', 'no-store')
  live(): { status: 'ok'; live: true } {
    return { status: 'ok', live: true };
  }
}
