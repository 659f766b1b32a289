import { PinoLogger } from 'nestjs-pino';
import { type Logger, pino } from 'pino';
import { installMessageLogFields } from './message-log-fields.js';

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
 * Both get the message log fields (see `installMessageLogFields`), so that
 * the app's own lines written while a message is handled carry them too.
 */
export function resolveRootLogger(configured: Logger | undefined): Logger {
  const nestPinoRoot = (PinoLogger as unknown as { root?: Logger }).root;
  if (nestPinoRoot) installMessageLogFields(nestPinoRoot);
  const root = configured ?? nestPinoRoot ?? pino({ name: 'secure-ws', redact: REDACT_PATHS });
  installMessageLogFields(root);
  return root;
}
