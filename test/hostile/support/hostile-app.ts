import { ConnectionRegistry } from '../../../src/connection/connection-registry.js';
import { type SecureWsModuleOptions } from '../../../src/options/secure-ws-options.interface.js';
import { createTestApp, type TestApp } from '../../../src/testing/test-app.js';
import { HostileGateway } from './hostile.gateway.js';

export interface HostileApp extends TestApp {
  readonly gateway: HostileGateway;
  readonly registry: ConnectionRegistry;
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
  return Object.assign(t, {
    gateway: t.app.get(HostileGateway),
    registry: t.app.get(ConnectionRegistry),
  });
}
