import { type INestApplication } from '@nestjs/common';
import { type HttpTimeouts } from '../../../src/app/create-app.js';
import { ConnectionRegistry } from '../../../src/connection/connection-registry.js';
import { OperationsServer } from '../../../src/operations/operations-server.js';
import { captureLogs, type LogCapture } from '../../../src/testing/log-capture.js';
import { bootReferenceApp, httpPort } from '../../support/reference-app.js';
import { type AliveTarget, expectAlive } from './alive.js';

export interface ReferenceApp {
  readonly app: INestApplication;
  readonly port: number;
  /** Port of the loopback operations server: `/metrics`, `/health`, `/health/ready`. */
  readonly opsPort: number;
  readonly logs: LogCapture;
  readonly registry: ConnectionRegistry;
  /** The liveness check on the seed echo gateway (no authentication needed). */
  alive(baseline?: number): Promise<void>;
  close(): Promise<void>;
}

/** The reference app on loopback port 0, logs captured, with the given env overrides. */
export async function startReferenceApp(
  env: Record<string, string> = {},
  httpTimeouts?: HttpTimeouts,
): Promise<ReferenceApp> {
  const logs = captureLogs();
  const app = await bootReferenceApp(
    {
      // All attackers share 127.0.0.1: caps and rates high enough for the floods.
      MAX_CONNECTIONS: '20000',
      MAX_CONNECTIONS_PER_IP: '20000',
      MAX_UNAUTHENTICATED_CONNECTIONS: '10000',
      HANDSHAKES_PER_MINUTE: '1000000',
      ...env,
      HOST: '127.0.0.1',
    },
    logs.logger,
    httpTimeouts,
  );
  const port = httpPort(app);
  const opsPort = app.get(OperationsServer).address()?.port ?? 0;
  const registry = app.get(ConnectionRegistry);
  const target: AliveTarget = {
    port,
    path: '/seed/echo',
    registry,
    probe: { send: 'alive?', expect: 'Server received: alive?' },
  };
  return {
    app,
    port,
    opsPort,
    logs,
    registry,
    alive: (baseline = 0) => expectAlive(target, baseline),
    close: () => app.close(),
  };
}
