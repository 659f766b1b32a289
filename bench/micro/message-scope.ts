/**
 * Per-message cost of the message scope (log context, plugins'
 * `aroundMessage`, tracing with and without an SDK), in ns per message, by a
 * plain loop: `tsc -p tsconfig.bench.json && node build/bench/micro/message-scope.js`.
 * The full echo figures are in `npm run bench`.
 */
import { performance } from 'node:perf_hooks';
import { type Connection } from '../../src/connection/connection.js';
import { handleInMessageScope } from '../../src/connection/message-scope.js';
import { type SecureWsPlugin } from '../../src/connection/plugin.interface.js';
import { type InboundFrame } from '../../src/frames/frame.js';

const MESSAGES = Number(process.env.MICRO_MESSAGES ?? 2_000_000);
const connection = { id: 'c', session: { userId: 'u' } } as unknown as Connection;
const frame: InboundFrame = { event: 'echo', data: { text: 'hi' }, id: 1 };
let handled = 0;
const handle = () => {
  handled += 1;
};

export type Case = readonly [name: string, run: () => void];

function nsPerMessage(run: () => void): number {
  for (let i = 0; i < MESSAGES / 10; i += 1) run();
  const started = performance.now();
  for (let i = 0; i < MESSAGES; i += 1) run();
  return ((performance.now() - started) * 1e6) / MESSAGES;
}

export function measure(cases: readonly Case[]): void {
  for (let round = 1; round <= 3; round += 1) {
    const figures = cases.map(([name, run]) => `${name} ${nsPerMessage(run).toFixed(0)} ns`);
    process.stdout.write(`round ${round}: ${figures.join(' | ')}\n`);
  }
}

const plainPlugins: SecureWsPlugin[] = [{}, {}, {}, {}];

export function scopeCases(extra: readonly Case[] = []): Case[] {
  return [
    ['direct call', () => handle()],
    ['message scope', () => handleInMessageScope(plainPlugins, connection, frame, handle)],
    ...extra,
  ];
}

export { connection, frame, handle, handled };

if (import.meta.url === `file://${process.argv[1]}`) measure(scopeCases());
