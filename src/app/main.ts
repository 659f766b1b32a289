import './tracing.js';
import 'reflect-metadata';
import { type AddressInfo } from 'node:net';
import { pino } from 'pino';
import { SecureWsAdapter } from '../adapter/secure-ws.adapter.js';
import { REDACT_PATHS } from '../logging/root-logger.js';
import { OperationsServer } from '../operations/operations-server.js';
import { loadConfig } from './config.js';
import { createReferenceApp } from './create-app.js';
import { createAppLogger } from './logger.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createAppLogger(config);
  const app = await createReferenceApp(config, logger);
  const { port } = app.getHttpServer().address() as AddressInfo;
  const adapter = app.get(SecureWsAdapter);
  const seedEcho = await adapter.listenerAddress('/seed/echo');
  const seedSecure = await adapter.listenerAddress('/seed/secure');
  const [http, ws] = config.tls ? ['https', 'wss'] : ['http', 'ws'];
  const ops = app.get(OperationsServer).address();
  logger.info(
    {
      http: `${http}://${config.host}:${port}`,
      ws: `${ws}://${config.host}:${port}/ws`,
      seedEcho: `${ws}://${config.host}:${seedEcho.port}`,
      seedSecure: `${ws}://${config.host}:${seedSecure.port}`,
      ops: `http://${config.ops.host}:${ops?.port}`,
    },
    'Reference app listening',
  );
}

main().catch((error: unknown) => {
  // The same JSON lines as the app's logger, even when the config that sets it up is what failed.
  pino({ redact: REDACT_PATHS }).fatal(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
