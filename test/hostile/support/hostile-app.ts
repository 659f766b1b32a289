import { type ClientOptions } from 'ws';
import { ConnectionRegistry } from '../../../src/connection/connection-registry.js';
import { type SecureWsModuleOptions } from '../../../src/options/secure-ws-options.interface.js';
import { createTestApp, type TestApp } from '../../../src/testing/test-app.js';
import { expectAlive } from './alive.js';
import { HostileGateway } from './hostile.gateway.js';

export interface HostileApp extends TestApp {
  readonly gateway: HostileGateway;
  readonly registry: ConnectionRegistry;
  /**
   * The liveness check on `/hostile` (see `expectAlive`): `baseline`
   * connections of the test stay open; `clientOptions` for the probe, e.g.
   * a bearer token.
   */
  alive(baseline?: number, clientOptions?: ClientOptions): Promise<void>;
}

/** Small limits so attacks hit them fast; heartbeat off unless a test wants it. */
export const HOSTILE_DEFAULTS: SecureWsModuleOptions = {
  maxPayload: 64 * 1024,
  heartbeat: false,
  drainTimeoutMs: 3000,
  maxBadFrames: 1_000_000,
  // Every protection rule off: the attacks must reach the layers they test.
  // `protection.test.ts` turns the rules on one by one.
  protection: {
    allowedOrigins: '*',
    maxConnections: false,
    maxConnectionsPerAddress: false,
    handshakeRate: false,
    messageRate: false,
    userMessageRate: false,
    abuse: false,
  },
};

/** A real app on a loopback port 0 serving `HostileGateway` at `/hostile`. */
export async function createHostileApp(options: SecureWsModuleOptions = {}): Promise<HostileApp> {
  const t = await createTestApp({
    providers: [HostileGateway],
    module: { ...HOSTILE_DEFAULTS, ...options },
  });
  const registry = t.app.get(ConnectionRegistry);
  return Object.assign(t, {
    gateway: t.app.get(HostileGateway),
    registry,
    alive: (baseline = 0, clientOptions?: ClientOptions) =>
      expectAlive({ port: t.port, path: '/hostile', registry, clientOptions }, baseline),
  });
}
