import { PinoLogger } from 'nestjs-pino';
import { type Logger, pino } from 'pino';

/** Paths pino blanks in every line: credentials never reach a log. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["sec-websocket-protocol"]',
  'headers.authorization',
  'headers.cookie',
  'headers["sec-websocket-protocol"]',
  'token',
  'accessToken',
  'access_token',
  '*.token',
  '*.accessToken',
  '*.access_token',
];

/**
 * The logger the module writes to: the one given in the options, else
 * nestjs-pino's root logger when the app uses nestjs-pino, else its own.
 */
export function resolveRootLogger(configured: Logger | undefined): Logger {
  if (configured) return configured;
  const nestPinoRoot = (PinoLogger as unknown as { root?: Logger }).root;
  return nestPinoRoot ?? pino({ name: 'secure-ws', redact: REDACT_PATHS });
}
