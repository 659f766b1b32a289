import { type Logger, pino } from 'pino';
import { REDACT_PATHS } from '../logging/root-logger.js';
import { type AppConfig } from './config.js';

/** One pino logger for the app: JSON lines to stdout, and to LOG_FILE when set. */
export function createAppLogger(config: AppConfig): Logger {
  const options = { level: config.logLevel, redact: REDACT_PATHS };
  if (!config.logFile) return pino(options);
  return pino(
    options,
    pino.multistream([
      { level: config.logLevel as pino.Level, stream: process.stdout },
      {
        level: config.logLevel as pino.Level,
        stream: pino.destination({ dest: config.logFile, sync: false }),
      },
    ]),
  );
}
