import { Inject, Injectable, Module } from '@nestjs/common';
import { afterEach, describe, expect, it } from 'vitest';
import { SECURE_WS_OPTIONS } from '../../src/index.js';
import { type ResolvedSecureWsOptions } from '../../src/options/secure-ws-options.interface.js';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';
import { Recorder, SecureProbeGateway } from '../auth/support/auth.gateways.js';
import { generateTestKeys, hs } from '../auth/support/tokens.js';
import { GuardedGateway } from '../protection/support/guarded.gateway.js';
import { expectAccepted, expectRefused } from '../protection/support/upgrade.js';
import { BanList, BanListGuard, HookRecorder } from './support/ban-list.plugin.js';

/** The user's own module: the guard and the service it injects live here, not in SecureWsModule. */
@Module({ providers: [BanList, BanListGuard], exports: [BanList] })
class BansModule {}

describe('plugins registered through the plugins option', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('a connect-time guard with an injected ban list refuses at the upgrade with its status and code', async () => {
    t = await createTestApp({
      imports: [BansModule],
      providers: [GuardedGateway],
      module: { plugins: [BanListGuard] },
    });
    const bans = t.app.get(BanList);
    bans.ban('stolen-phone');
    await expectRefused(t.url('/guarded?device=stolen-phone'), 403, 'DEVICE_BANNED');
    await expectRefused(t.url('/guarded'), 400, 'DEVICE_REQUIRED');
    (await expectAccepted(t.url('/guarded?device=my-laptop'))).terminate();
    expect(bans.lookups).toBe(2);
  });

  it('creates a plugin class no module declares, injecting the module providers', async () => {
    @Injectable()
    class PayloadCapGuard {
      readonly cap: number;
      constructor(@Inject(SECURE_WS_OPTIONS) options: ResolvedSecureWsOptions) {
        this.cap = options.maxPayload;
      }
      checkHandshake() {
        return this.cap === 4096 ? { status: 503, code: 'CAPPED' } : undefined;
      }
    }
    t = await createTestApp({
      providers: [GuardedGateway],
      module: { maxPayload: 4096, plugins: [PayloadCapGuard] },
    });
    await expectRefused(t.url('/guarded'), 503, 'CAPPED');
  });

  it('runs every hook: handshake, open, each frame before its handler, error frames, close', async () => {
    const recorder = new HookRecorder();
    t = await createTestApp({ providers: [GuardedGateway], module: { plugins: [recorder] } });
    const client = await t.connect('/guarded');
    expect(await client.request('echo', 'hi')).toEqual({ event: 'echo', data: 'hi', id: '1' });
    client.send({ event: 'forbidden', id: 2 });
    expect(await client.next()).toEqual({
      event: 'error',
      data: { code: 'FORBIDDEN', message: 'Not this one', event: 'forbidden' },
      id: 2,
    });
    client.close();
    await expect.poll(() => recorder.seen.at(-1)).toBe('close:1005');
    expect(recorder.seen).toEqual([
      'handshake:accepted',
      'open:/guarded',
      'frame:echo',
      'frame:forbidden',
      'error:FORBIDDEN',
      'close:1005',
    ]);
  });

  it("logs an onClose that throws and still runs the next plugins' onClose; nothing escapes the process", async () => {
    const escaped: unknown[] = [];
    const onEscaped = (error: unknown) => escaped.push(error);
    process.on('uncaughtException', onEscaped);
    try {
      const recorder = new HookRecorder();
      const broken = {
        onClose() {
          throw new Error('close hook bug');
        },
      };
      t = await createTestApp({
        providers: [GuardedGateway],
        module: { plugins: [broken, recorder] },
      });
      for (const code of [4000, 4001]) {
        const client = await t.connect('/guarded');
        expect(await client.request('echo', code)).toEqual({ event: 'echo', data: code, id: '1' });
        client.close(code);
        await expect.poll(() => recorder.seen.at(-1)).toBe(`close:${code}`);
      }
      const logged = t.logs.withMessage('Plugin onClose failed');
      expect(logged).toHaveLength(2);
      expect(logged[0]).toMatchObject({ level: 50, err: { message: 'close hook bug' } });
      expect(escaped).toEqual([]);
    } finally {
      process.off('uncaughtException', onEscaped);
    }
  });
});

describe('frames sent while a connection authenticates', () => {
  const { secret } = generateTestKeys();

  it('go through beforeMessage: plugins see them and the rate limit applies before auth (its refusal stops later plugins)', async () => {
    const recorder = new HookRecorder();
    const t = await createTestApp({
      providers: [Recorder, SecureProbeGateway],
      module: {
        auth: { secret, authTimeoutMs: 5000 },
        heartbeat: false,
        protection: { messageRate: { points: 1, durationMs: 60_000, burst: 2 } },
        plugins: [recorder],
      },
    });
    try {
      const client = await t.connect('/secure');
      client.send({ event: 'echo', data: 1, id: 1 });
      expect((await client.nextError('UNAUTHENTICATED')).id).toBe(1);
      client.send({ event: 'echo', data: 2, id: 2 });
      expect((await client.nextError('UNAUTHENTICATED')).id).toBe(2);
      client.send({ event: 'auth', data: { token: hs(secret, 'late', 600) }, id: 3 });
      const limited = await client.nextError('RATE_LIMITED');
      expect(limited.id).toBe(3);
      expect(limited.retryAfterMs).toBeGreaterThan(0);
      expect(recorder.seen.filter((entry) => entry.startsWith('frame:'))).toEqual([
        'frame:echo',
        'frame:echo',
      ]);
    } finally {
      await t.close();
    }
  });
});
