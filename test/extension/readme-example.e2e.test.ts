import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WsBus } from '../../src/bus/ws-bus.interface.js';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';
import { expectAccepted, expectRefused } from '../protection/support/upgrade.js';
import { codeBlocksUnder } from '../support/markdown.js';
import { BanList } from './support/ban-list.plugin.js';
import { HubBus } from './support/hub.bus.js';
import { AppModule } from './support/readme-example.js';

const root = resolve(import.meta.dirname, '../..');

describe("the README's Extending example, booted as written", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ module: false, imports: [AppModule] });
  });
  afterAll(() => t.close());

  it('refuses a banned device at the upgrade and serves the others, on the bus it was given', async () => {
    t.app.get(BanList).ban('stolen-phone');
    await expectRefused(t.url('/chat?device=stolen-phone'), 403, 'DEVICE_BANNED');
    const client = await t.connect('/chat?device=my-laptop');
    expect(await client.request('echo', 'hi')).toEqual({ event: 'echo', data: 'hi', id: '1' });
    client.close();
    (await expectAccepted(t.url('/chat?device=tablet'))).terminate();
    expect(t.app.get(WsBus)).toBeInstanceOf(HubBus);
  });
});

/** A block's code without its imports, whitespace collapsed. */
function body(code: string): string {
  return code
    .replace(/^import[\s\S]*?from '[^']+';\n/gm, '')
    .replace(/\s+/g, ' ')
    .trim();
}

describe('README.md shows the code this test runs', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const support = ['ban-list.plugin.ts', 'readme-example.ts']
    .map((name) => body(readFileSync(join(root, 'test/extension/support', name), 'utf8')))
    .join(' ');

  it('each part of the example under "## Extending" is in test/extension/support', () => {
    const [block] = codeBlocksUnder(readme, '## Extending');
    const parts = body(block as string).split(/(?=@Injectable\(\)|@Module\()/);
    expect(parts.length).toBe(3);
    for (const part of parts) expect(support).toContain(part.trim());
  });
});
