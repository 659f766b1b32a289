import { type IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { type HandshakeRefusal, type SecureWsPlugin } from '../../src/index.js';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';
import { WsTestClient } from '../../src/testing/ws-test-client.js';
import { GuardedGateway } from '../protection/support/guarded.gateway.js';
import { expectAccepted, expectRefused } from '../protection/support/upgrade.js';

type Answer = 'pass' | 'refuse' | 'throw' | 'reject';

/** A `checkHandshake` that answers `?<name>=<answer>`, sync or async, and records its calls. */
class Check implements SecureWsPlugin {
  constructor(
    private readonly name: string,
    private readonly async: boolean,
    private readonly calls: string[],
  ) {}

  checkHandshake(request: IncomingMessage) {
    this.calls.push(this.name);
    const answer = (new URL(request.url ?? '/', 'http://localhost').searchParams.get(this.name) ??
      'pass') as Answer;
    const refusal: HandshakeRefusal = { status: 403, code: `REFUSED_BY_${this.name}` };
    if (!this.async) {
      if (answer === 'throw' || answer === 'reject') throw new Error(`${this.name} broke`);
      return answer === 'refuse' ? refusal : undefined;
    }
    return new Promise<HandshakeRefusal | undefined>((resolve, reject) =>
      setTimeout(() => {
        if (answer === 'throw' || answer === 'reject') reject(new Error(`${this.name} broke`));
        else resolve(answer === 'refuse' ? refusal : undefined);
      }, 5),
    );
  }
}

/** The upgrade is cut without an HTTP answer. */
async function expectCut(url: string): Promise<void> {
  const outcome = await WsTestClient.connect(url).then(
    (client) => {
      client.terminate();
      return 'accepted';
    },
    (error: unknown) => (error as Error).message,
  );
  expect(outcome).toMatch(/socket hang up|ECONNRESET/);
}

describe('plugin checkHandshake: synchronous and async checks walked in order', () => {
  let t: TestApp | undefined;
  const calls: string[] = [];
  afterEach(async () => {
    await t?.close();
    t = undefined;
    calls.length = 0;
  });

  async function app(): Promise<TestApp> {
    // sync a, async b, sync c, async d: the walk goes on after each promise settles.
    t = await createTestApp({
      providers: [GuardedGateway],
      module: {
        plugins: [
          new Check('a', false, calls),
          new Check('b', true, calls),
          new Check('c', false, calls),
          new Check('d', true, calls),
        ],
      },
    });
    return t;
  }

  it('accepts when every check passes, each called once in plugin order', async () => {
    const t = await app();
    (await expectAccepted(t.url('/guarded'))).terminate();
    expect(calls).toEqual(['a', 'b', 'c', 'd']);
  });

  it('stops at the first refusal, sync or async: later checks are not called', async () => {
    const t = await app();
    await expectRefused(t.url('/guarded?a=refuse&c=refuse'), 403, 'REFUSED_BY_a');
    expect(calls).toEqual(['a']);
    calls.length = 0;
    await expectRefused(t.url('/guarded?b=refuse&c=refuse'), 403, 'REFUSED_BY_b');
    expect(calls).toEqual(['a', 'b']);
    calls.length = 0;
    await expectRefused(t.url('/guarded?c=refuse&d=refuse'), 403, 'REFUSED_BY_c');
    expect(calls).toEqual(['a', 'b', 'c']);
    calls.length = 0;
    await expectRefused(t.url('/guarded?d=refuse'), 403, 'REFUSED_BY_d');
    expect(calls).toEqual(['a', 'b', 'c', 'd']);
  });

  it('a check that throws or rejects cuts that upgrade, logs it, and the next client is served', async () => {
    const t = await app();
    await expectCut(t.url('/guarded?a=throw'));
    await expectCut(t.url('/guarded?b=reject'));
    await expectCut(t.url('/guarded?c=throw'));
    await expectCut(t.url('/guarded?d=reject'));
    const failures = t.logs.withMessage('Upgrade failed');
    expect(failures.map((line) => (line.err as { message: string }).message)).toEqual([
      'a broke',
      'b broke',
      'c broke',
      'd broke',
    ]);
    (await expectAccepted(t.url('/guarded'))).terminate();
  });
});
