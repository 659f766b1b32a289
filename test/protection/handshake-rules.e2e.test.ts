import { type IncomingHttpHeaders, request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { SecureWsAdapter } from '../../src/adapter/secure-ws.adapter.js';
import { ConnectionRegistry } from '../../src/connection/connection-registry.js';
import { type ListenerOptions } from '../../src/options/secure-ws-options.interface.js';
import { HandshakeGuard } from '../../src/protection/handshake-guard.js';
import { type ProtectionOptions } from '../../src/protection/protection-options.interface.js';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';
import { GuardedGateway } from './support/guarded.gateway.js';
import { expectAccepted, expectRefused } from './support/upgrade.js';
import { waitFor } from './support/wait-for.js';

/** A raw upgrade request: the HTTP status and headers of its refusal. */
function upgradeResponse(
  port: number,
  path: string,
): Promise<{ status: number; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const upgrade = request({
      host: '127.0.0.1',
      port,
      path,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
      },
    });
    upgrade.on('response', (response) => {
      response.resume();
      resolve({ status: response.statusCode ?? 0, headers: response.headers });
    });
    upgrade.on('upgrade', () => reject(new Error('The upgrade succeeded')));
    upgrade.on('error', reject);
    upgrade.end();
  });
}

describe('handshake rules, answered with HTTP before the upgrade', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  async function boot(protection: ProtectionOptions, listeners: ListenerOptions[] = []) {
    t = await createTestApp({
      providers: [GuardedGateway],
      module: { protection, listeners },
    });
    return t;
  }

  describe('Origin', () => {
    it('accepts only the listed origins, compared whole', async () => {
      const app = await boot({ allowedOrigins: ['https://app.example.com'] });
      const url = app.url('/guarded');
      (await expectAccepted(url, { origin: 'https://app.example.com' })).terminate();
      for (const origin of [
        'https://app.example.com.evil.example',
        'https://evil.example',
        'https://evilapp.example.com',
        'http://app.example.com',
        'https://app.example.com:8443',
        'null',
      ]) {
        await expectRefused(url, 403, 'ORIGIN_NOT_ALLOWED', { origin });
      }
    });

    it('accepts a request without Origin (a non-browser client) unless told otherwise', async () => {
      const app = await boot({ allowedOrigins: ['https://app.example.com'] });
      (await expectAccepted(app.url('/guarded'))).terminate();
      await app.close();
      t = undefined;
      const strict = await boot({
        allowedOrigins: ['https://app.example.com'],
        allowMissingOrigin: false,
      });
      await expectRefused(strict.url('/guarded'), 403, 'ORIGIN_NOT_ALLOWED');
    });

    it('by default accepts its own origin only (same host and port)', async () => {
      const app = await boot({});
      const url = app.url('/guarded');
      (await expectAccepted(url, { origin: `http://127.0.0.1:${app.port}` })).terminate();
      await expectRefused(url, 403, 'ORIGIN_NOT_ALLOWED', { origin: 'http://127.0.0.1:1' });
      await expectRefused(url, 403, 'ORIGIN_NOT_ALLOWED', { origin: 'https://evil.example' });
      await expectRefused(url, 403, 'ORIGIN_NOT_ALLOWED', {
        origin: `http://127.0.0.1:${app.port}.evil.example`,
      });
      await expectRefused(url, 403, 'ORIGIN_NOT_ALLOWED', { origin: 'null' });
    });
  });

  describe('IP rules', () => {
    it('refuses a denied IPv4 address, and one outside the allow list', async () => {
      let app = await boot({ ipDenyList: ['127.0.0.0/8'] });
      await expectRefused(app.url('/guarded'), 403, 'IP_DENIED');
      await app.close();
      app = await boot({ ipAllowList: ['10.0.0.0/8', '::1'] });
      await expectRefused(app.url('/guarded'), 403, 'IP_DENIED');
      await app.close();
      app = await boot({ ipAllowList: ['127.0.0.1'], ipDenyList: ['10.0.0.0/8'] });
      (await expectAccepted(app.url('/guarded'))).terminate();
    });

    it('refuses a denied IPv6 address (a listener on ::1)', async () => {
      const app = await boot({ ipDenyList: ['::1/128'] }, [
        { port: 0, host: '::1', path: '/guarded' },
      ]);
      const { port } = await app.app.get(SecureWsAdapter).listenerAddress('/guarded');
      await expectRefused(`ws://[::1]:${port}/`, 403, 'IP_DENIED');
      (await expectAccepted(app.url('/guarded'))).terminate();
    });

    it('refuses with the deny list winning over the allow list', async () => {
      const app = await boot({ ipAllowList: ['127.0.0.0/8'], ipDenyList: ['127.0.0.1'] });
      await expectRefused(app.url('/guarded'), 403, 'IP_DENIED');
    });
  });

  describe('X-Forwarded-For and trusted proxies', () => {
    const forwarded = (xff: string) => ({ headers: { 'X-Forwarded-For': xff } });

    it('ignores X-Forwarded-For when the peer is not a trusted proxy', async () => {
      const app = await boot({ ipDenyList: ['203.0.113.7'] });
      (await expectAccepted(app.url('/guarded'), forwarded('203.0.113.7'))).terminate();
    });

    it('takes the right-most untrusted address when the peer is a trusted proxy', async () => {
      const app = await boot({
        trustedProxies: ['127.0.0.1', '10.0.0.0/8'],
        ipDenyList: ['203.0.113.7', '198.51.100.0/24'],
      });
      const url = app.url('/guarded');
      await expectRefused(url, 403, 'IP_DENIED', forwarded('203.0.113.7'));
      await expectRefused(url, 403, 'IP_DENIED', forwarded('203.0.113.7, 10.0.0.5'));
      await expectRefused(url, 403, 'IP_DENIED', forwarded('192.0.2.1, 198.51.100.9'));
      // The client wrote a denied address itself; the proxy appended the real one.
      (await expectAccepted(url, forwarded('203.0.113.7, 192.0.2.1'))).terminate();
      // IPv4-mapped IPv6 is the same address.
      await expectRefused(url, 403, 'IP_DENIED', forwarded('::ffff:203.0.113.7'));
    });
  });

  describe('connection caps and handshake rate', () => {
    it('caps open connections per address with 429, and frees the slot on close', async () => {
      const app = await boot({ maxConnectionsPerAddress: 2, handshakeRate: false });
      const url = app.url('/guarded');
      const first = await expectAccepted(url);
      const second = await expectAccepted(url);
      await expectRefused(url, 429, 'TOO_MANY_CONNECTIONS');
      first.close();
      await first.closed;
      const guard = app.app.get(HandshakeGuard);
      await waitFor(() => guard.openCount === 1);
      const third = await expectAccepted(url);
      second.terminate();
      third.terminate();
    });

    it('frees the slot of an accepted connection when it closes, with one close listener on its socket', async () => {
      const app = await boot({ maxConnectionsPerAddress: 1, handshakeRate: false });
      const url = app.url('/guarded');
      const guard = app.app.get(HandshakeGuard);
      const registry = app.app.get(ConnectionRegistry);
      for (let round = 0; round < 3; round += 1) {
        const client = await expectAccepted(url);
        await expectRefused(url, 429, 'TOO_MANY_CONNECTIONS');
        // The guard's slot goes with the connection, not with a second `close` listener beside ws's.
        expect(registry.size).toBe(1);
        for (const connection of registry.all()) {
          expect(connection.transport.listenerCount('close')).toBe(1);
        }
        // Cut without a closing handshake, then closed cleanly: the slot is freed either way.
        if (round === 0) client.terminate();
        else client.close();
        await client.closed;
        await waitFor(() => guard.openCount === 0);
      }
    });

    it('counts each forwarded client address separately behind a trusted proxy', async () => {
      const app = await boot({
        trustedProxies: ['127.0.0.1'],
        maxConnectionsPerAddress: 1,
        handshakeRate: false,
      });
      const url = app.url('/guarded');
      const as = (ip: string) => ({ headers: { 'X-Forwarded-For': ip } });
      const a = await expectAccepted(url, as('192.0.2.1'));
      const b = await expectAccepted(url, as('192.0.2.2'));
      await expectRefused(url, 429, 'TOO_MANY_CONNECTIONS', as('192.0.2.1'));
      a.terminate();
      b.terminate();
    });

    it('limits the handshake rate per address with 429', async () => {
      const app = await boot({ handshakeRate: { points: 3, durationMs: 60_000 } });
      const url = app.url('/guarded');
      for (let i = 0; i < 3; i += 1) (await expectAccepted(url)).terminate();
      await expectRefused(url, 429, 'TOO_MANY_CONNECTIONS');
      const refusal = await upgradeResponse(app.port, '/guarded');
      expect(refusal.status).toBe(429);
      // The next handshake token is 20 s away.
      expect(Number(refusal.headers['retry-after'])).toBeGreaterThanOrEqual(19);
      expect(Number(refusal.headers['retry-after'])).toBeLessThanOrEqual(20);
    });

    it('caps the connections of the whole app with 503 AT_CAPACITY', async () => {
      const app = await boot({ maxConnections: 2, maxConnectionsPerAddress: false });
      const url = app.url('/guarded');
      const a = await expectAccepted(url);
      const b = await expectAccepted(url);
      await expectRefused(url, 503, 'AT_CAPACITY');
      a.terminate();
      b.terminate();
    });
  });

  describe('options', () => {
    it('stops the app at start-up with one sentence naming a bad rule', async () => {
      await expect(boot({ ipDenyList: ['10.0.0.0/33'] })).rejects.toThrow(
        'SecureWsModule: "protection.ipDenyList" holds "10.0.0.0/33", which is not an IP address or a CIDR range.',
      );
      await expect(boot({ allowedOrigins: ['app.example.com'] })).rejects.toThrow(
        'SecureWsModule: "protection.allowedOrigins" holds "app.example.com", which is not an origin like "https://app.example.com".',
      );
      await expect(boot({ messageRate: { points: 0, durationMs: 1000 } })).rejects.toThrow(
        'SecureWsModule: "protection.messageRate.points" must be a positive integer, got 0.',
      );
    });
  });
});
