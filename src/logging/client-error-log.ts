import { type Logger } from 'pino';

const MINUTE_MS = 60_000;

/**
 * Logs client-caused errors of one connection at `debug`, at most `limit`
 * a minute; what it drops is counted and reported once the minute is over,
 * so no client can flood the log.
 */
export class ClientErrorLog {
  private windowStart = 0;
  private logged = 0;
  private suppressed = 0;

  constructor(private readonly limit: number) {}

  write(logger: Logger, code: string, event: string | undefined): void {
    const now = Date.now();
    if (now - this.windowStart >= MINUTE_MS) {
      if (this.suppressed > 0) {
        logger.info({ suppressed: this.suppressed }, 'Client errors not logged in the last minute');
      }
      this.windowStart = now;
      this.logged = 0;
      this.suppressed = 0;
    }
    if (this.logged < this.limit) {
      this.logged += 1;
      logger.debug({ code, event }, 'Client error');
    } else {
      this.suppressed += 1;
    }
  }
}
