import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createTestApp, type TestApp } from '../src/testing/test-app.js';
import { UpgradeRefused, WsTestClient } from '../src/testing/ws-test-client.js';
import {
  BrokenHooksGateway,
  ShoutGateway,
  SlowConnectGateway,
  WorkGateway,
} from './support/lifecycle.gateways.js';

describe('connection lifecycle', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('holds frames until an async handleConnection finishes, then handles them in order', async () => {
    t = await createTestApp({ providers: [SlowConnectGateway] });
    const socket = new WebSocket(t.url('/slow-connect'));
    const replies: unknown[] = [];
    const done = new Promise<void>((resolve) => {
      socket.on('message', (data) => {
        replies.push(JSON.parse(data.toString()));
        if (replies.length === 20) resolve();
      });
    });
    socket.on('open', () => {
      for (let n = 0; n < 20; n += 1) socket.send(JSON.stringify({ event: 'seq', data: n, id: n }));
    });
    await done;
    socket.terminate();
    expect(replies).toEqual(
      Array.from({ length: 20 }, (_, n) => ({ event: 'seq', data: { n, ready: true }, id: n })),
    );
  });

  it('answers frames beyond maxPendingFrames with RATE_LIMITED while admitting', async () => {
    t = await createTestApp({ providers: [SlowConnectGateway], module: { maxPendingFrames: 3 } });
    const client = await t.connect('/slow-connect');
    for (let n = 0; n < 5; n += 1) client.send({ event: 'seq', data: n, id: n });
    expect(await client.nextError('RATE_LIMITED')).toMatchObject({ retryAfterMs: 100 });
    expect(await client.nextError('RATE_LIMITED')).toMatchObject({ retryAfterMs: 100 });
    for (let n = 0; n < 3; n += 1) {
      expect(await client.next()).toEqual({ event: 'seq', data: { n, ready: true }, id: n });
    }
  });

  it.each([['sync'], ['async']])(
    'closes a client whose handleConnection fails (%s) with INTERNAL and 1011, and keeps serving',
    async (mode) => {
      t = await createTestApp({ providers: [BrokenHooksGateway] });
      const failing = await t.connect(`/broken?${mode}`);
      failing.send({ event: 'ping', id: 1 });
      const error = await failing.nextError('INTERNAL');
      expect(error.details).toEqual({ ref: expect.any(String) });
      expect(await failing.closed).toEqual({ code: 1011, reason: 'INTERNAL' });
      expect(await failing.quietFor(50)).toBe(true);
      const logged = t.logs.lines.find(
        (line) => line.ref === (error.details as { ref: string }).ref,
      );
      expect(logged).toMatchObject({ level: 50, msg: 'handleConnection failed' });

      const healthy = await t.connect('/broken');
      expect(await healthy.request('ping')).toEqual({ event: 'ping', data: 'pong', id: '1' });
    },
  );

  it('survives a failing afterInit and a rejecting handleDisconnect, which runs once', async () => {
    t = await createTestApp({ providers: [BrokenHooksGateway] });
    const before = BrokenHooksGateway.disconnects;
    const client = await t.connect('/broken');
    expect(await client.request('ping')).toMatchObject({ data: 'pong' });
    client.close();
    await client.closed;
    await expect.poll(() => BrokenHooksGateway.disconnects).toBe(before + 1);
    await expect.poll(() => t?.logs.withMessage('handleDisconnect failed').length).toBe(1);
    const again = await t.connect('/broken');
    expect(await again.request('ping')).toMatchObject({ data: 'pong' });
  });

  it('closes 1009 on a frame over maxPayload, without an error-level log', async () => {
    t = await createTestApp({ providers: [ShoutGateway], module: { maxPayload: 1024 } });
    const client = await t.connect('/text');
    client.sendText('a'.repeat(1024));
    expect(await client.nextText()).toBe('A'.repeat(1024));
    client.sendText('a'.repeat(1025));
    expect((await client.closed).code).toBe(1009);
    expect(t.logs.lines.filter((line) => (line.level as number) >= 50)).toEqual([]);
  });

  it('answers plain text on a text gateway and refuses binary frames there', async () => {
    t = await createTestApp({ providers: [ShoutGateway] });
    const client = await t.connect('/text');
    client.sendText('hello {not json');
    expect(await client.nextText()).toBe('HELLO {NOT JSON');
    client.sendBinary(Buffer.from('x'));
    expect(await client.nextError('UNSUPPORTED_FRAME')).toMatchObject({
      code: 'UNSUPPORTED_FRAME',
    });
  });

  it('cuts a peer that stops answering pings', async () => {
    t = await createTestApp({
      providers: [ShoutGateway],
      module: { heartbeat: { intervalMs: 50 } },
    });
    const live = await t.connect('/text');
    const dead = await WsTestClient.connect(t.url('/text'), { autoPong: false });
    expect((await dead.closed).code).toBe(1006);
    live.sendText('still');
    expect(await live.nextText()).toBe('STILL');
  });

  it('answers an unknown path with 404 and never upgrades', async () => {
    t = await createTestApp({ providers: [ShoutGateway] });
    const refused = await WsTestClient.connect(t.url('/nowhere')).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(UpgradeRefused);
    expect(refused).toMatchObject({ status: 404, body: '{"code":"NOT_FOUND"}' });
  });
});

describe('graceful shutdown', () => {
  it('refuses upgrades, lets in-flight handlers finish, then closes 1001 with SHUTTING_DOWN', async () => {
    const t = await createTestApp({ providers: [WorkGateway], module: { drainTimeoutMs: 3000 } });
    const client = await t.connect('/work');
    const idle = await t.connect('/work');
    const completedBefore = WorkGateway.completed;
    const hooksBefore = WorkGateway.disconnectHooksDone;
    client.send({ event: 'work', data: 300, id: 'slow' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closing = t.app.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const refused = await WsTestClient.connect(t.url('/work')).catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 503, body: '{"code":"SHUTTING_DOWN"}' });

    expect(await idle.nextError('SHUTTING_DOWN')).toMatchObject({
      message: 'Server is shutting down',
    });
    expect(await idle.closed).toEqual({ code: 1001, reason: 'SHUTTING_DOWN' });
    expect(await client.next()).toEqual({ event: 'work', data: 'worked', id: 'slow' });
    expect(await client.nextError('SHUTTING_DOWN')).toMatchObject({ code: 'SHUTTING_DOWN' });
    expect(await client.closed).toEqual({ code: 1001, reason: 'SHUTTING_DOWN' });
    await closing;
    expect(WorkGateway.completed).toBe(completedBefore + 1);
    expect(WorkGateway.disconnectHooksDone).toBe(hooksBefore + 2);
  });

  it('answers frames sent while draining with SHUTTING_DOWN and their id', async () => {
    const t = await createTestApp({ providers: [WorkGateway], module: { drainTimeoutMs: 3000 } });
    const client = await t.connect('/work');
    client.send({ event: 'work', data: 200, id: 'first' });
    await new Promise((resolve) => setTimeout(resolve, 30));
    const closing = t.app.close();
    await new Promise((resolve) => setTimeout(resolve, 30));
    client.send({ event: 'work', data: 1, id: 'late' });
    expect(await client.next()).toMatchObject({
      event: 'error',
      id: 'late',
      data: { code: 'SHUTTING_DOWN' },
    });
    expect(await client.next()).toEqual({ event: 'work', data: 'worked', id: 'first' });
    expect((await client.closed).code).toBe(1001);
    await closing;
  });

  it('terminates what is still running at the drain deadline', async () => {
    const t = await createTestApp({ providers: [WorkGateway], module: { drainTimeoutMs: 200 } });
    const client = await t.connect('/work');
    client.send({ event: 'work', data: 5000, id: 'endless' });
    await new Promise((resolve) => setTimeout(resolve, 30));
    const started = Date.now();
    await t.app.close();
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await client.closed).code).toBe(1006);
  });
});
