import { afterEach, describe, expect, it } from 'vitest';
import { PluginHooks } from '../../src/connection/plugin-hooks.js';
import { type SecureWsPlugin } from '../../src/index.js';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';
import { GuardedGateway } from '../protection/support/guarded.gateway.js';
import { EveryMessageHook, OutcomeLog, SwitchedOnLater } from './support/hook-lists.plugins.js';

/*
 * The connection calls each hook only on the plugins that have it
 * (connection/plugin-hooks.ts), lists made from the plugin list once the
 * `plugins` option's plugins are in: these plugins must be called exactly as
 * when every hook walked the whole list.
 */
describe('per-hook plugin lists', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('a plugin class of the plugins option gets every per-message hook, in order, with itself as this', async () => {
    t = await createTestApp({
      providers: [GuardedGateway, EveryMessageHook],
      module: { heartbeat: false, plugins: [EveryMessageHook] },
    });
    const plugin = t.app.get(EveryMessageHook);
    const client = await t.connect('/guarded');
    expect(await client.request('echo', 'hi')).toEqual({ event: 'echo', data: 'hi', id: '1' });
    client.send({ event: 'nope', id: 2 });
    expect((await client.nextError('UNKNOWN_EVENT')).id).toBe(2);
    client.send({ event: 'fail', id: 3 });
    expect((await client.nextError('INTERNAL')).id).toBe(3);
    expect(plugin.seen).toEqual([
      'p:around:echo',
      'p:before:echo',
      'p:wrap:echo',
      'p:after:echo:ok',
      'p:around:nope',
      'p:before:nope',
      'p:refused',
      'p:error:UNKNOWN_EVENT',
      'p:around:fail',
      'p:before:fail',
      'p:wrap:fail',
      'p:error:INTERNAL',
      'p:after:fail:INTERNAL',
    ]);
    client.close();
  });

  it('a plugin with only afterMessage sees every handled frame and its outcome, and no other', async () => {
    const log = new OutcomeLog();
    t = await createTestApp({
      providers: [GuardedGateway],
      module: { heartbeat: false, plugins: [log] },
    });
    const client = await t.connect('/guarded');
    expect(await client.request('echo', 1)).toEqual({ event: 'echo', data: 1, id: '1' });
    client.send({ event: 'nope', id: 2 });
    expect((await client.nextError('UNKNOWN_EVENT')).id).toBe(2);
    client.send({ event: 'fail', id: 3 });
    expect((await client.nextError('INTERNAL')).id).toBe(3);
    expect(await client.request('slow', 5)).toEqual({ event: 'slow', data: 'done', id: '2' });
    expect(log.outcomes).toEqual(['echo:ok', 'fail:INTERNAL', 'slow:ok']);
    client.close();
  });

  it('getter hooks undefined when the first connection opened run once they appear, and stop when they go', async () => {
    const plugin = new SwitchedOnLater();
    t = await createTestApp({
      providers: [GuardedGateway],
      module: { heartbeat: false, plugins: [plugin] },
    });
    const client = await t.connect('/guarded');
    expect(await client.request('echo', 'a')).toEqual({ event: 'echo', data: 'a', id: '1' });
    expect(plugin.seen).toEqual([]);
    plugin.on = true;
    expect(await client.request('echo', 'b')).toEqual({ event: 'echo', data: 'b', id: '2' });
    expect(plugin.seen).toEqual(['around:echo', 'after:echo:ok']);
    plugin.on = false;
    expect(await client.request('echo', 'c')).toEqual({ event: 'echo', data: 'c', id: '3' });
    expect(plugin.seen).toEqual(['around:echo', 'after:echo:ok']);
    client.close();
  });
});

describe('PluginHooks', () => {
  it('holds, per hook, the plugins that have it in plugin order, and follows the plugin list as it grows or shrinks', () => {
    const log = new OutcomeLog();
    const later = new SwitchedOnLater();
    const every = new EveryMessageHook();
    const plugins: SecureWsPlugin[] = [log];
    const hooks = new PluginHooks(plugins);
    expect(hooks.current().afterMessage).toEqual([log]);
    expect(hooks.current().aroundMessage).toEqual([]);
    plugins.push(later, every);
    expect(hooks.current().afterMessage).toEqual([log, later, every]);
    expect(hooks.current().aroundMessage).toEqual([later, every]);
    expect(hooks.current().beforeMessage).toEqual([every]);
    expect(hooks.current().onOpen).toEqual([]);
    plugins.splice(0, 1);
    expect(hooks.current().afterMessage).toEqual([later, every]);
  });
});
