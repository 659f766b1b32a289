import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildReferenceApp,
  type ReferenceAppBuild,
  type RunningReferenceApp,
  startReferenceApp,
} from './support/built-reference-app.js';
import { type Chromium, launchChromium } from './support/chromium.js';

const WAIT_MS = 10_000;

/** Waits for an item holding `text` in the list `#id`. */
function seen(page: Page, id: string, text: string): Promise<void> {
  return page.locator(`#${id} li`, { hasText: text }).first().waitFor({ timeout: WAIT_MS });
}

async function signIn(page: Page, user: string, ttl = '300', refresh = true): Promise<void> {
  await page.fill('#user', user);
  await page.fill('#ttl', ttl);
  await page.setChecked('#refresh', refresh);
  await page.click('#signin button');
  await seen(page, 'notices', `connected as ${user}`);
}

async function join(page: Page, room: string): Promise<void> {
  await page.fill('#room', room);
  await page.click('#join button');
  await seen(page, 'notices', `joined ${room}`);
}

async function say(page: Page, text: string): Promise<void> {
  await page.fill('#text', text);
  await page.click('#chat button');
}

describe('the demo page, served by the built reference app, in Chromium', () => {
  let build: ReferenceAppBuild;
  let app: RunningReferenceApp;
  let chromium: Chromium;

  beforeAll(async () => {
    build = await buildReferenceApp();
    [app, chromium] = await Promise.all([startReferenceApp(build), launchChromium()]);
  }, 90_000);
  afterAll(async () => {
    await chromium?.close();
    await app?.stop();
    build?.remove();
  });

  it('serves the page with a nonce CSP, and the compiled client modules and nothing else', async () => {
    const page = await fetch(`${app.origin}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = page.headers.get('content-security-policy') ?? '';
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeDefined();
    expect(csp).toContain("connect-src 'self'");
    expect(await page.text()).toContain(`<script type="module" nonce="${nonce}">`);

    for (const path of [
      '/demo/client/index.js',
      '/demo/client/ws-client.js',
      '/demo/errors/error-codes.js',
    ]) {
      const asset = await fetch(`${app.origin}${path}`);
      expect(asset.status, path).toBe(200);
      expect(asset.headers.get('content-type'), path).toBe('text/javascript; charset=utf-8');
    }
    for (const path of [
      '/demo/app/main.js',
      '/demo/client/index.d.ts',
      '/demo/client/..%2F..%2Fapp%2Fmain.js',
      '/demo/errors/error-mapper.js',
    ]) {
      expect((await fetch(`${app.origin}${path}`)).status, path).toBe(404);
    }
  });

  it('loads the compiled client in the browser without an error', async () => {
    const page = await chromium.context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    await page.goto(`${app.origin}/`);
    // A string, so that Vite leaves this dynamic import to the browser.
    const exported = await page.evaluate(`import('/demo/client/index.js').then((client) => ({
      WsClient: typeof client.WsClient,
      SESSION_REVOKED: client.WsCloseCode.SESSION_REVOKED,
      VALIDATION_FAILED: client.WsErrorCode.VALIDATION_FAILED,
    }))`);
    expect(exported).toEqual({
      WsClient: 'function',
      SESSION_REVOKED: 4403,
      VALIDATION_FAILED: 'VALIDATION_FAILED',
    });
    expect(await page.textContent('#status')).toBe('signed out');
    expect(problems).toEqual([]);
    await page.close();
  });

  /** A fresh page on the demo, failing the test on any script error. */
  async function openDemo(): Promise<{ page: Page; problems: string[] }> {
    const page = await chromium.context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${app.origin}/`);
    return { page, problems };
  }

  it('lets two pages chat in a room, and shows errors as they arrive', async () => {
    const alice = await openDemo();
    const bob = await openDemo();
    await signIn(alice.page, 'alice');
    await signIn(bob.page, 'bob');
    await join(alice.page, 'lobby');
    await join(bob.page, 'lobby');

    await say(alice.page, 'hello bob');
    await seen(bob.page, 'messages', '[lobby] alice: hello bob');
    await say(bob.page, 'hi alice');
    await seen(alice.page, 'messages', '[lobby] bob: hi alice');

    // A bad room name: VALIDATION_FAILED with the field's path.
    await bob.page.fill('#room', 'no spaces allowed');
    await bob.page.click('#join button');
    await seen(bob.page, 'errors', 'VALIDATION_FAILED');
    await seen(bob.page, 'errors', 'room: ');
    // Sending to a room it has not joined: FORBIDDEN.
    await bob.page.fill('#room', 'elsewhere');
    await say(bob.page, 'anyone?');
    await seen(bob.page, 'errors', 'FORBIDDEN');

    expect([...alice.problems, ...bob.problems]).toEqual([]);
    await alice.page.close();
    await bob.page.close();
  }, 40_000);

  it('shows an expired token, then recovers with a fresh one and chats again', async () => {
    const carol = await openDemo();
    const dave = await openDemo();
    await signIn(dave.page, 'dave');
    await join(dave.page, 'expiry');
    // A 2 s token, no refresh: the server ends the session with TOKEN_EXPIRED. (1 s left too
    // little for the sign-in and the join on a loaded machine: the join met the expiry.)
    await signIn(carol.page, 'carol', '2', false);
    await join(carol.page, 'expiry');
    await carol.page.fill('#ttl', '300'); // the next token, fetched by getToken(), lasts
    await seen(carol.page, 'errors', 'TOKEN_EXPIRED');
    // Reconnected with a fresh token, back in the room it had joined.
    await carol.page
      .locator('#notices li', { hasText: 'connected as carol' })
      .nth(1)
      .waitFor({ timeout: WAIT_MS });
    await seen(carol.page, 'notices', 'rejoined expiry');
    await say(carol.page, 'back again');
    await seen(dave.page, 'messages', '[expiry] carol: back again');
    expect(await carol.page.getAttribute('#status', 'data-state')).toBe('open');
    expect([...carol.problems, ...dave.problems]).toEqual([]);
    await carol.page.close();
    await dave.page.close();
  }, 40_000);

  it('shows "resumed, N missed messages delivered" after a reconnect, and the missed messages', async () => {
    const erin = await openDemo();
    const frank = await openDemo();
    await signIn(frank.page, 'frank');
    await join(frank.page, 'gap');
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let held: () => void = () => undefined;
    const holding = new Promise<void>((resolve) => {
      held = resolve;
    });
    let gated = false;
    // Once erin is in the room, the next token waits until frank has spoken: erin is away meanwhile.
    await erin.page.route('**/dev/token*', async (route) => {
      if (!gated) return route.continue();
      held();
      await gate;
      await route.continue({
        url: route
          .request()
          .url()
          .replace(/ttl=\d+/, 'ttl=300'),
      });
    });
    // A 5 s token without refresh: the session ends, and the page reconnects with a new token.
    // (3 s left too little for the sign-in and the join under CI's load: the join met the expiry.)
    await signIn(erin.page, 'erin', '5', false);
    await join(erin.page, 'gap');
    gated = true;
    await holding;
    for (const text of ['one', 'two', 'three']) {
      await say(frank.page, text);
      await seen(frank.page, 'messages', `[gap] frank: ${text}`);
    }
    release();
    await seen(erin.page, 'notices', 'resumed gap, 3 missed messages delivered');
    const messages = await erin.page.locator('#messages li').allInnerTexts();
    expect(messages).toEqual(['one', 'two', 'three'].map((text) => `[gap] frank: ${text}`));
    expect([...erin.problems, ...frank.problems]).toEqual([]);
    await erin.page.close();
    await frank.page.close();
  }, 40_000);

  it('shows RATE_LIMITED with its retry time when a page sends too fast', async () => {
    const rita = await openDemo();
    await signIn(rita.page, 'rita');
    await join(rita.page, 'burst');
    // 50 sends at once, over the reference app's burst of 40.
    await rita.page.evaluate(`for (let i = 0; i < 50; i++) {
      document.getElementById('text').value = 'm' + i;
      document.getElementById('chat').requestSubmit();
    }`);
    await seen(rita.page, 'errors', 'RATE_LIMITED');
    await seen(rita.page, 'errors', 'retry in');
    expect(rita.problems).toEqual([]);
    await rita.page.close();
  }, 40_000);

  it('refuses a page from another origin before the upgrade, and lets its own page in', async () => {
    const response = await fetch(`${app.origin}/dev/token?sub=mallory`);
    const { token } = (await response.json()) as { token: string };
    const attempt = `new Promise((resolve) => {
      const ws = new WebSocket(${JSON.stringify(`ws://127.0.0.1:${app.port}/ws`)}, ['access_token', ${JSON.stringify(token)}]);
      let opened = false;
      ws.onopen = () => { opened = true; ws.close(1000); };
      ws.onclose = (event) => resolve({ opened, code: event.code });
    })`;
    const foreign = await serveForeignPage();
    try {
      const page = await chromium.context.newPage();
      await page.goto(foreign.origin);
      expect(await page.evaluate(attempt)).toEqual({ opened: false, code: 1006 });
      await page.goto(`${app.origin}/`);
      expect(await page.evaluate(attempt)).toEqual({ opened: true, code: 1000 });
      await page.close();
    } finally {
      await foreign.close();
    }
    const metrics = await (await fetch(`${app.opsOrigin}/metrics`)).text();
    expect(metrics).toMatch(/secure_ws_handshakes_total\{outcome="ORIGIN_NOT_ALLOWED"\} [1-9]/);
  });
});

/** Another origin: a server on its own loopback port with an empty page. */
async function serveForeignPage(): Promise<{ origin: string; close(): Promise<void> }> {
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    response.end('<!doctype html><title>another site</title><p>another site</p>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // Chromium keeps its connection alive
      }),
  };
}
