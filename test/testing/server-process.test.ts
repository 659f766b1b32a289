import { describe, expect, it } from 'vitest';
import { freePort } from '../../src/testing/free-port.js';
import { assertInstalled, ServerProcess } from '../../src/testing/server-process.js';
import { answersOnTcp } from '../../src/testing/tcp-answer.js';

/** A Node process running `script`, for the kit's server process. */
const node = (script: string) => ({ command: process.execPath, args: ['-e', script] });

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("the test kit's server process (RedisServer, NatsServer, Prometheus)", () => {
  it('names a missing binary and its Debian package', () => {
    expect(() => assertInstalled('secure-ws-no-such-server', 'Nothing')).toThrow(
      'secure-ws-no-such-server is not installed: a real Nothing is needed here (Debian: apt-get install secure-ws-no-such-server).',
    );
  });

  it('starts once the server answers, and a SIGKILL stop ends it', async () => {
    const port = await freePort();
    const server = new ServerProcess(`greeter on port ${port}`);
    await server.start({
      ...node(
        `require('node:net').createServer((s) => s.end('HELLO')).listen(${port}, '127.0.0.1')`,
      ),
      ready: () => answersOnTcp(port, 'HELLO'),
      timeoutMs: 10_000,
      pollMs: 25,
    });
    const pid = server.pid as number;
    expect(alive(pid)).toBe(true);
    expect(await answersOnTcp(port, 'BYE')).toBe(false);
    await server.stop();
    expect(server.pid).toBeUndefined();
    expect(alive(pid)).toBe(false);
    expect(await answersOnTcp(port, 'HELLO')).toBe(false);
  });

  it('fails with its output when it exits before it is ready', async () => {
    const server = new ServerProcess('quitter');
    await expect(
      server.start({
        ...node("console.error('bad config line 3'); process.exit(1)"),
        ready: async () => false,
        timeoutMs: 10_000,
        pollMs: 25,
      }),
    ).rejects.toThrow(/^quitter did not start \(exited\):\nbad config line 3/);
    expect(server.pid).toBeUndefined();
  });

  it('fails with the reason when the program cannot be spawned', async () => {
    const server = new ServerProcess('nowhere');
    await expect(
      server.start({
        command: 'secure-ws-no-such-server',
        args: [],
        ready: async () => false,
        timeoutMs: 10_000,
        pollMs: 25,
      }),
    ).rejects.toThrow(/^nowhere did not start \(exited\):\nspawn secure-ws-no-such-server ENOENT/);
  });

  it('kills a server that is not ready in time, and says so', async () => {
    const server = new ServerProcess('sleeper');
    let pid: number | undefined;
    await expect(
      server.start({
        ...node('setInterval(() => {}, 1000)'),
        ready: async () => {
          pid ??= server.pid;
          return false;
        },
        timeoutMs: 300,
        pollMs: 25,
      }),
    ).rejects.toThrow(/^sleeper did not start \(not ready within 300 ms\)/);
    expect(alive(pid as number)).toBe(false);
  });

  it('stops with SIGTERM, then SIGKILL after the grace period', async () => {
    const server = new ServerProcess('stubborn');
    await server.start({
      ...node("process.on('SIGTERM', () => {}); console.log('up'); setInterval(() => {}, 1000)"),
      ready: async () => server.log.includes('up'),
      timeoutMs: 10_000,
      pollMs: 25,
    });
    const pid = server.pid as number;
    const started = performance.now();
    await server.stop('SIGTERM', 300);
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
    expect(alive(pid)).toBe(false);
  });
});
