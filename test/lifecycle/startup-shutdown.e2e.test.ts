import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MISSING_ADAPTER_MESSAGE } from '../../src/lifecycle/missing-adapter.js';
import { advisoriesOf } from '../../src/lifecycle/ws-advisories.js';
import { resolvedWsVersion, warnOfWsAdvisories } from '../../src/lifecycle/ws-advisory-check.js';
import { SecureWsModule } from '../../src/secure-ws.module.js';
import { captureLogs } from '../../src/testing/log-capture.js';
import { createTestApp } from '../../src/testing/test-app.js';

@WebSocketGateway({ path: '/ws' })
class EchoGateway {
  @SubscribeMessage('echo')
  echo(@MessageBody() data: unknown) {
    return data;
  }
}

describe('an app that forgot app.useWebSocketAdapter', () => {
  it('fails to start with one sentence naming the call, not an advice to install socket.io', async () => {
    const logs = captureLogs();
    @Module({
      imports: [SecureWsModule.forRoot({ logger: logs.logger })],
      providers: [EchoGateway],
    })
    class AppModule {}
    const app = await NestFactory.create(AppModule, { logger: false, abortOnError: false });
    try {
      await expect(app.listen(0, '127.0.0.1')).rejects.toThrow(MISSING_ADAPTER_MESSAGE);
    } finally {
      await app.close().catch(() => undefined);
    }
    expect(MISSING_ADAPTER_MESSAGE).toContain('app.useWebSocketAdapter(app.get(SecureWsAdapter))');
  });
});

describe('the ws advisory check', () => {
  it('knows which ws versions each advisory affects', () => {
    const ids = (version: string) => advisoriesOf(version).map((advisory) => advisory.id);
    expect(ids('8.17.0')).toEqual(['CVE-2024-37890', 'CVE-2026-45736', 'CVE-2026-48779']);
    expect(ids('8.17.1')).toEqual(['CVE-2026-45736', 'CVE-2026-48779']);
    expect(ids('8.20.0')).toEqual(['CVE-2026-45736', 'CVE-2026-48779']);
    expect(ids('8.20.1')).toEqual(['CVE-2026-48779']);
    expect(ids('8.21.0')).toEqual([]);
    expect(ids('8.22.0')).toEqual([]);
    expect(ids('7.5.10')).toEqual([]);
  });

  describe('against a real old ws from the registry', () => {
    let dir: string;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'nsw-old-ws-'));
      writeFileSync(join(dir, 'package.json'), '{"private":true}');
      await promisify(execFile)(
        'npm',
        ['install', '--no-save', '--prefer-offline', '--no-audit', '--no-fund', 'ws@8.20.0'],
        { cwd: dir },
      );
    }, 120_000);
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('warns once per advisory, naming the version that fixes it', () => {
      const logs = captureLogs();
      const version = resolvedWsVersion(pathToFileURL(join(dir, 'index.js')).href);
      expect(version).toBe('8.20.0');
      expect(warnOfWsAdvisories(logs.logger, version)).toBe(2);
      expect(
        logs.lines.map(({ level, ws, advisory, fixedIn }) => ({ level, ws, advisory, fixedIn })),
      ).toEqual([
        { level: 40, ws: '8.20.0', advisory: 'CVE-2026-45736', fixedIn: '8.20.1' },
        { level: 40, ws: '8.20.0', advisory: 'CVE-2026-48779', fixedIn: '8.21.0' },
      ]);
      expect(logs.lines[1]?.msg).toMatch(
        /^ws 8\.20\.0 has a known advisory \(CVE-2026-48779: .*install ws 8\.21\.0 or newer/,
      );
    });
  });

  it('stays quiet at start-up on the ws this repository runs, which has none', async () => {
    expect(advisoriesOf(resolvedWsVersion())).toEqual([]);
    const t = await createTestApp({ providers: [EchoGateway], module: {} });
    await t.close();
    expect(t.logs.lines.filter((line) => typeof line.advisory === 'string')).toEqual([]);
  });
});

describe('shutdown', () => {
  it('logs one line with the clients closed and the time it took', async () => {
    const t = await createTestApp({ providers: [EchoGateway], module: {} });
    await Promise.all([t.connect('/ws'), t.connect('/ws')]);
    await t.close();
    const [line, ...more] = t.logs.withMessage('WebSocket shutdown complete');
    expect(more).toEqual([]);
    expect(line).toMatchObject({ level: 30, clients: 2, open: 0 });
    expect(line?.durationMs).toEqual(expect.any(Number));
  });
});
