import { describe, expect, it } from 'vitest';
import { BusRevocationStore } from '../../src/auth/bus-revocation-store.js';
import { InMemoryRevocationStore } from '../../src/auth/in-memory-revocation-store.js';
import { REVOCATION_STORE } from '../../src/auth/revocation-store.interface.js';
import { WsBus } from '../../src/bus/ws-bus.interface.js';
import { resolveOptions } from '../../src/secure-ws.module-options.js';
import { createTestApp } from '../../src/testing/test-app.js';
import { describeCrossNode } from '../rooms/cross-node.suite.js';
import { Hub, HubBus } from './support/hub.bus.js';

let hubs: Hub[] = [];

// A user's own bus, passed with the `bus` option, through the same cross-node suite as Redis and NATS.
describeCrossNode({
  transport: 'hub',
  start: async () => undefined,
  stop: async () => {
    hubs = [];
  },
  busOptions: (run) => {
    hubs[run] ??= new Hub();
    return { bus: new HubBus(hubs[run] as Hub) };
  },
});

describe('the bus option', () => {
  it('takes the revocation store from what the bus offers, not from the redis option', async () => {
    const shared = await createTestApp({ module: { bus: new HubBus(new Hub()) } });
    const local = await createTestApp({});
    try {
      expect(shared.app.get(WsBus)).toBeInstanceOf(HubBus);
      expect(shared.app.get(REVOCATION_STORE)).toBeInstanceOf(BusRevocationStore);
      expect(local.app.get(REVOCATION_STORE)).toBeInstanceOf(InMemoryRevocationStore);
    } finally {
      await Promise.all([shared.close(), local.close()]);
    }
  });

  it('is checked at start-up: a WsBus, and not with redis', () => {
    expect(() => resolveOptions({ bus: {} as WsBus })).toThrow(
      'SecureWsModule: "bus" must be a WsBus (publish, subscribe, capabilities...).',
    );
    expect(() =>
      resolveOptions({ bus: new HubBus(new Hub()), redis: { url: 'redis://127.0.0.1:1' } }),
    ).toThrow('SecureWsModule: set "bus" or "redis", not both.');
  });
});
