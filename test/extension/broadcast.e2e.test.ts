import { describe, expect, it } from 'vitest';
import { WsBroadcast } from '../../src/rooms/ws-broadcast.service.js';
import { createTestApp } from '../../src/testing/test-app.js';
import { OpenProbeGateway, Recorder, SecureProbeGateway } from '../auth/support/auth.gateways.js';
import { bearer, generateTestKeys, hs } from '../auth/support/tokens.js';
import { Hub, HubBus } from './support/hub.bus.js';

const { secret } = generateTestKeys();

describe('broadcast to every connection of a gateway', () => {
  it('reaches every open connection of that gateway on every node, and no one else', async () => {
    const hub = new Hub();
    const boot = () =>
      createTestApp({
        providers: [Recorder, SecureProbeGateway, OpenProbeGateway],
        module: { auth: { secret }, heartbeat: false, bus: new HubBus(hub) },
      });
    const [a, b] = await Promise.all([boot(), boot()]);
    try {
      const onA = await a.connect('/secure', bearer(hs(secret, 'ann')));
      const onB = await b.connect('/secure', bearer(hs(secret, 'bo')));
      const other = await a.connect('/open');
      const authenticating = await b.connect('/secure');
      for (const client of [onA, onB]) await client.request('whoami');
      await other.request('echo', 'ready');

      a.app.get(WsBroadcast).toGateway('/secure', 'news', { text: 'to /secure' });
      for (const client of [onA, onB]) {
        expect(await client.next()).toEqual({ event: 'news', data: { text: 'to /secure' } });
      }
      expect(await other.quietFor(150)).toBe(true);
      expect(await authenticating.quietFor(0)).toBe(true);

      // One encoding for every connection, still a text frame (a string here), byte for byte.
      b.app.get(WsBroadcast).toAll('news', { text: 'to all: héllo ✓ 🎉' });
      for (const client of [onA, onB, other]) {
        expect(await client.nextRaw()).toBe(
          '{"event":"news","data":{"text":"to all: héllo ✓ 🎉"}}',
        );
      }
      expect(await authenticating.quietFor(150)).toBe(true);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
