import { type Logger, pino } from 'pino';
import { REDACT_PATHS } from '../logging/root-logger.js';
import { type AppConfig } from './config.js';

/**
 * One pino logger for the app: JSON lines to stdout, and to LOG_FILE when
 * set. On SIGHUP the app reopens LOG_FILE, so that logrotate can rename it
 * and signal (see docs/observability.md).
 */
export function createAppLogger(config: AppConfig): Logger {
  const options = { level: config.logLevel, redact: REDACT_PATHS };
  if (!config.logFile) return pino(options);
  const file = pino.destination({ dest: config.logFile, sync: false, mkdir: true });
  process.on('SIGHUP', () => file.reopen());
  return pino(
    options,
    pino.multistream([
      { level: config.logLevel as pino.Level, stream: process.stdout },
      { level: config.logLevel as pino.Level, stream: file },
    ]),
  );
}
