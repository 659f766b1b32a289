import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Registry, register } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { SecureWsModule } from '../src/secure-ws.module.js';
import { SECURE_WS_OPTIONS } from '../src/secure-ws.module-definition.js';
import { resolveOptions } from '../src/secure-ws.module-options.js';

describe('module options', () => {
  it('fills in every default', () => {
    expect(resolveOptions({})).toMatchObject({
      maxPayload: 1_048_576,
      heartbeat: { intervalMs: 25_000 },
      maxJsonDepth: 32,
      maxJsonKeys: 1000,
      maxBadFrames: 20,
      maxPendingFrames: 64,
      maxBufferedBytes: 4_194_304,
      drainTimeoutMs: 10_000,
      validateAllGateways: true,
      listeners: [],
    });
    expect(resolveOptions({ heartbeat: false }).heartbeat).toBe(false);
  });

  it("resolves every feature's options in the same place, defaults filled in", () => {
    const first = resolveOptions({});
    expect(first.metrics).toEqual({
      registry: expect.any(Registry),
      prefix: 'secure_ws_',
      defaultMetrics: false,
    });
    // Each app its own registry, never the global one.
    expect(resolveOptions({}).metrics.registry).not.toBe(first.metrics.registry);
    expect(first.metrics.registry).not.toBe(register);
    const registry = new Registry();
    expect(resolveOptions({ metrics: { registry, prefix: 'chat_' } }).metrics).toEqual({
      registry,
      prefix: 'chat_',
      defaultMetrics: false,
    });
    expect(first.protection.maxTrackedKeys).toBe(10_000);
    expect(first.history.size).toBe(100);
    expect(first.plugins).toEqual([]);
    expect(first.auth).toBeUndefined();
    expect(first.bus).toBeUndefined();
  });

  it.each([
    [{ maxPayload: 0 }, 'SecureWsModule: "maxPayload" must be a positive integer, got 0.'],
    [{ maxJsonDepth: 1.5 }, 'SecureWsModule: "maxJsonDepth" must be a positive integer, got 1.5.'],
    [
      { heartbeat: { intervalMs: -1 } },
      'SecureWsModule: "heartbeat.intervalMs" must be a positive integer, got -1.',
    ],
    [
      { listeners: [{ port: 70_000, path: '/x' }] },
      'SecureWsModule: "listeners[0].port" must be a port number (0 to 65535).',
    ],
    [
      { listeners: [{ port: 1, path: 'x' }] },
      'SecureWsModule: "listeners[0].path" must be a gateway path starting with "/".',
    ],
    [
      { metrics: { prefix: '9lives' } },
      'SecureWsModule: "metrics.prefix" must be a Prometheus name prefix (letters, digits, "_", ":"), got "9lives".',
    ],
    [
      { metrics: { registry: {} as Registry } },
      'SecureWsModule: "metrics.registry" must be a prom-client Registry.',
    ],
  ])('refuses %j with one sentence', (options, message) => {
    expect(() => resolveOptions(options)).toThrow(message);
  });

  it('stops the app at start-up on a bad option', async () => {
    const compiling = Test.createTestingModule({
      imports: [SecureWsModule.forRoot({ maxPayload: -5 })],
    }).compile();
    await expect(compiling).rejects.toThrow('"maxPayload" must be a positive integer');
  });

  it('takes options from forRootAsync with injected dependencies', async () => {
    const LIMIT = Symbol('LIMIT');
    @Module({ providers: [{ provide: LIMIT, useValue: 2048 }], exports: [LIMIT] })
    class ConfigModule {}
    const moduleRef = await Test.createTestingModule({
      imports: [
        SecureWsModule.forRootAsync({
          imports: [ConfigModule],
          useFactory: (limit: number) => ({ maxPayload: limit }),
          inject: [LIMIT],
        }),
      ],
    }).compile();
    expect(moduleRef.get(SECURE_WS_OPTIONS).maxPayload).toBe(2048);
  });
});
