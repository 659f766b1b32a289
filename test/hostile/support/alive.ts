import { type ClientOptions, WebSocket } from 'ws';

export interface AliveTarget {
  port: number;
  path: string;
  registry: { readonly size: number };
  /**
   * What to send and the exact answer expected.
   * @default `{"event":"ping","id":"alive"}` → `{"event":"ping","data":"pong","id":"alive"}`
   */
  probe?: { send: string; expect: string };
  /** Options of the probing client, e.g. an `Authorization` header. */
  clientOptions?: ClientOptions;
}

const PING_PROBE = {
  send: JSON.stringify({ event: 'ping', id: 'alive' }),
  expect: JSON.stringify({ event: 'ping', data: 'pong', id: 'alive' }),
};

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took more than ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Resolves once `check()` holds, polling, or rejects after `ms` naming the last value seen. */
export async function eventually(
  check: () => boolean,
  ms: number,
  what: string | (() => string),
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) {
      throw new Error(`${typeof what === 'string' ? what : what()} did not happen within ${ms} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * The check every hostile case ends with: the process still accepts a new
 * connection and answers a request within a second, and the open
 * connection count goes back to `baseline` (nothing leaked).
 */
export async function expectAlive(target: AliveTarget, baseline: number): Promise<void> {
  const socket = new WebSocket(`ws://127.0.0.1:${target.port}${target.path}`, target.clientOptions);
  try {
    await within(
      new Promise((resolve, reject) => {
        socket.once('open', resolve);
        socket.once('error', reject);
      }),
      1000,
      'A new connection',
    );
    const reply = within(
      new Promise<string>((resolve) => socket.once('message', (data) => resolve(data.toString()))),
      1000,
      'A request',
    );
    const probe = target.probe ?? PING_PROBE;
    socket.send(probe.send);
    const answer = await reply;
    if (answer !== probe.expect) {
      throw new Error(`Unexpected answer to the liveness request: ${answer}`);
    }
  } finally {
    socket.terminate();
  }
  await eventually(
    () => target.registry.size === baseline,
    3000,
    () => `Open connections back to ${baseline} (now ${target.registry.size})`,
  );
}
