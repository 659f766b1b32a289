import { Writable } from 'node:stream';
import { type Logger, pino } from 'pino';
import { REDACT_PATHS } from '../logging/root-logger.js';

/** A pino logger that keeps every line in memory, parsed, for assertions. */
export interface LogCapture {
  readonly logger: Logger;
  /** Every line written so far, as objects. */
  readonly lines: Array<Record<string, unknown>>;
  /** Every line as the raw text pino wrote. */
  readonly raw: string[];
  /** Lines whose `msg` is `message`. */
  withMessage(message: string): Array<Record<string, unknown>>;
}

export function captureLogs(level: pino.LevelWithSilent = 'debug'): LogCapture {
  const lines: Array<Record<string, unknown>> = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) {
        if (!line) continue;
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return {
    logger: pino({ level, redact: REDACT_PATHS }, stream),
    lines,
    raw,
    withMessage: (message) => lines.filter((line) => line.msg === message),
  };
}
