import { type AddressInfo } from 'node:net';
import { type INestApplication } from '@nestjs/common';
import { type Logger } from 'pino';
import { loadConfig } from '../../src/app/config.js';
import { createReferenceApp, type HttpTimeouts } from '../../src/app/create-app.js';
import { captureLogs } from '../../src/testing/log-capture.js';

/** Every port of the reference app: the app, its seed listeners, its operations server. */
const EVERY_PORT_ZERO = {
  PORT: '0',
  SEED_ECHO_PORT: '0',
  SEED_SECURE_PORT: '0',
  OPS_PORT: '0',
} as const;

/**
 * The reference app (`src/app`) configured from `env` as `loadConfig` reads
 * it, every port 0 on loopback unless `env` names one (e.g. `PORT` to start
 * again where an app stopped); its logs go to `logger` (captured and dropped
 * unless given).
 */
export function bootReferenceApp(
  env: Record<string, string> = {},
  logger: Logger = captureLogs().logger,
  httpTimeouts?: HttpTimeouts,
): Promise<INestApplication> {
  return createReferenceApp(loadConfig({ ...EVERY_PORT_ZERO, ...env }), logger, httpTimeouts);
}

/** The port of the app's HTTP server (and of its `/ws` gateway). */
export function httpPort(app: INestApplication): number {
  return (app.getHttpServer().address() as AddressInfo).port;
}
