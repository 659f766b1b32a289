import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type SecureWsPlugin } from '../../src/index.js';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';
import { generateTestKeys, hs } from '../auth/support/tokens.js';
import { codeBlocksUnder } from '../support/markdown.js';
import {
  AuditTrail,
  ConnectionAudit,
  ErrorCounts,
  HooksGateway,
  MaintenanceMode,
  SlowHandlers,
  UnknownEventBudget,
  UserScope,
} from './support/hook-examples.js';

const root = resolve(import.meta.dirname, '../..');
const { secret } = generateTestKeys();
const token = (user: string) => hs(secret, user, 600);

describe('the hook examples of docs/extending.md, on real sockets', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  async function start(plugin: SecureWsPlugin): Promise<TestApp> {
    t = await createTestApp({
      providers: [HooksGateway],
      module: { auth: { secret }, heartbeat: false, plugins: [plugin] },
    });
    return t;
  }

  it('onHandshake, onOpen and onClose: counts, greets, and sees the close code of opened connections only', async () => {
    const audit = new ConnectionAudit();
    const app = await start(audit);
    const client = await app.connect('/hooks', { token: token('ada') });
    const welcome = await client.next<{ event: string; data: { connectionId: string } }>();
    expect(welcome).toEqual({ event: 'welcome', data: { connectionId: expect.any(String) } });
    expect(audit.open).toEqual(new Set([welcome.data.connectionId]));
    const refused = await app.connect('/hooks', { token: 'not-a-jwt' });
    expect((await refused.closed).code).toBe(4401);
    client.close(4000);
    await expect.poll(() => audit.closes).toEqual([4000]);
    expect(audit.outcomes.get('accepted')).toBe(2);
    expect(audit.open.size).toBe(0);
  });

  it('beforeMessage: refuses every frame with its error while on', async () => {
    const maintenance = new MaintenanceMode();
    const client = await (await start(maintenance)).connect('/hooks', { token: token('ada') });
    maintenance.on = true;
    client.send({ event: 'ping', id: 1 });
    expect(await client.next()).toEqual({
      event: 'error',
      data: { code: 'FORBIDDEN', message: 'Read-only during maintenance', event: 'ping' },
      id: 1,
    });
    maintenance.on = false;
    expect(await client.request('ping')).toEqual({ event: 'ping', data: 'pong', id: '1' });
  });

  it('onRefusedFrame: answers the fourth frame that reaches no handler RATE_LIMITED', async () => {
    const client = await (await start(new UnknownEventBudget())).connect('/hooks', {
      token: token('ada'),
    });
    for (const id of [1, 2, 3]) {
      client.send({ event: 'nope', id });
      expect((await client.nextError('UNKNOWN_EVENT')).id).toBe(id);
    }
    client.send({ event: 'nope', id: 4 });
    expect(await client.next()).toEqual({
      event: 'error',
      data: {
        code: 'RATE_LIMITED',
        message: 'Too many frames that reach no handler',
        event: 'nope',
        retryAfterMs: 1000,
      },
      id: 4,
    });
  });

  it('wrapHandler: records who ran what, leaves ping alone', async () => {
    const trail = new AuditTrail();
    const client = await (await start(trail)).connect('/hooks', { token: token('ada') });
    expect(await client.request('ping')).toMatchObject({ data: 'pong' });
    expect(await client.request('whoami')).toMatchObject({ event: 'whoami' });
    expect(trail.entries).toEqual(['ada whoami']);
  });

  it('aroundMessage: the handler reads the user from the async context the plugin set', async () => {
    const client = await (await start(new UserScope())).connect('/hooks', { token: token('lin') });
    expect(await client.request('whoami')).toEqual({
      event: 'whoami',
      data: { user: 'lin' },
      id: '1',
    });
  });

  it('afterMessage: sees slow handlers with their outcome', async () => {
    const slow = new SlowHandlers();
    const client = await (await start(slow)).connect('/hooks', { token: token('ada') });
    expect(await client.request('ping')).toMatchObject({ data: 'pong' });
    expect(await client.request('slow', 150)).toMatchObject({ data: 'done' });
    expect(slow.slow).toEqual(['slow ok']);
  });

  it('onErrorFrame: counts every error frame by code', async () => {
    const counts = new ErrorCounts();
    const client = await (await start(counts)).connect('/hooks', { token: token('ada') });
    client.send({ event: 'nope', id: 1 });
    await client.nextError('UNKNOWN_EVENT');
    client.sendText('{bad json');
    await client.nextError('BAD_FRAME');
    expect(Object.fromEntries(counts.byCode)).toEqual({ UNKNOWN_EVENT: 1, BAD_FRAME: 1 });
  });
});

/** A block's code without its imports, whitespace collapsed. */
function body(code: string): string {
  return code
    .replace(/^import[\s\S]*?from '[^']+';\n/gm, '')
    .replace(/\s+/g, ' ')
    .trim();
}

describe('docs/extending.md shows the code these tests run', () => {
  const page = readFileSync(join(root, 'docs/extending.md'), 'utf8');
  const support = ['hook-examples.ts', 'server-time.plugin.ts', 'ban-list.plugin.ts']
    .map((name) => readFileSync(join(root, 'test/extension/support', name), 'utf8'))
    .map(body)
    .join(' ');

  it.each(['## Every hook, with an example', '### Events a plugin answers'])(
    'every example under "%s" is in test/extension/support',
    (heading) => {
      const blocks = codeBlocksUnder(page, heading);
      expect(blocks.length).toBeGreaterThan(0);
      for (const block of blocks) expect(support).toContain(body(block));
    },
  );

  it('the check can fail: an edited example is not found', () => {
    const [block] = codeBlocksUnder(page, '## Every hook, with an example');
    expect(support).not.toContain(body((block as string).replace('outcomes', 'results')));
  });
});
