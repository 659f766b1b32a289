import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { type AddressInfo } from 'node:net';
import { pino } from 'pino';
import { loadConfig } from '../../../src/app/config.js';
import { createReferenceApp } from '../../../src/app/create-app.js';
import { ConnectionRegistry } from '../../../src/connection/connection-registry.js';

/** What the soak asks the server process for, and what it answers. */
export type SoakRequest = { type: 'stats' } | { type: 'stop' };
export interface SoakStats {
  type: 'stats';
  rss: number;
  heapUsed: number;
  connections: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

/** The reference app in its own process, so its memory is measured alone. */
async function serve(): Promise<void> {
  const config = loadConfig({
    PORT: '0',
    SEED_ECHO_PORT: '0',
    SEED_SECURE_PORT: '0',
    OPS_PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    JWT_SECRET: randomBytes(32).toString('base64url'),
    // Every soak client comes from 127.0.0.1: caps and rates above the soak's load.
    MAX_CONNECTIONS: '20000',
    MAX_CONNECTIONS_PER_IP: '20000',
    HANDSHAKES_PER_MINUTE: '1000000',
  });
  const app = await createReferenceApp(config, pino({ level: 'warn' }));
  const registry = app.get(ConnectionRegistry);
  const port = (app.getHttpServer().address() as AddressInfo).port;
  process.send?.({ type: 'ready', port });
  process.on('message', (message: SoakRequest) => {
    if (message.type === 'stats') {
      gc?.();
      const { rss, heapUsed } = process.memoryUsage();
      process.send?.({
        type: 'stats',
        rss,
        heapUsed,
        connections: registry.size,
      } satisfies SoakStats);
    } else {
      void app.close().then(() => process.exit(0));
    }
  });
}

serve().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
