import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildReferenceApp,
  type ReferenceAppBuild,
  type RunningReferenceApp,
  startReferenceApp,
} from './support/built-reference-app.js';
import { type Chromium, launchChromium } from './support/chromium.js';

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
});
