/**
 * Per-message cost of the message scope (log context, plugins'
 * `aroundMessage`, tracing with and without an SDK), in ns per message, by a
 * plain loop: `tsc -p tsconfig.bench.json && node build/bench/micro/message-scope.js`.
 * The full echo figures are in `npm run bench`.
 */
import { performance } from 'node:perf_hooks';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { type Connection } from '../../src/connection/connection.js';
import { handleInMessageScope } from '../../src/connection/message-scope.js';
import { type SecureWsPlugin } from '../../src/connection/plugin.interface.js';
import { PluginHooks } from '../../src/connection/plugin-hooks.js';
import { type InboundFrame } from '../../src/frames/frame.js';
import { loadOpenTelemetry } from '../../src/tracing/open-telemetry.js';
import { TracingPlugin } from '../../src/tracing/tracing.plugin.js';
import { WsTracing } from '../../src/tracing/ws-tracing.js';

const MESSAGES = Number(process.env.MICRO_MESSAGES ?? 2_000_000);
const connection = {
  id: 'c',
  session: { userId: 'u' },
  server: { path: '/ws' },
} as unknown as Connection;
const frame: InboundFrame = { event: 'echo', data: { text: 'hi' }, id: 1 };
let handled = 0;
const handle = () => {
  handled += 1;
};
process.on('exit', () => process.stderr.write(`(${handled} messages)\n`));

type Case = readonly [name: string, run: () => void];

function nsPerMessage(run: () => void): number {
  for (let i = 0; i < MESSAGES / 10; i += 1) run();
  const started = performance.now();
  for (let i = 0; i < MESSAGES; i += 1) run();
  return ((performance.now() - started) * 1e6) / MESSAGES;
}

function measure(cases: readonly Case[]): void {
  for (let round = 1; round <= 3; round += 1) {
    const figures = cases.map(([name, run]) => `${name} ${nsPerMessage(run).toFixed(0)} ns`);
    process.stdout.write(`round ${round}: ${figures.join(' | ')}\n`);
  }
}

/** What the connection hands the scope: the plugins that have `aroundMessage` (connection/plugin-hooks.ts). */
const around = (plugins: readonly SecureWsPlugin[]) =>
  new PluginHooks(plugins).current().aroundMessage;

const plainPlugins = around([{}, {}, {}, {}]);

function scopeCases(extra: readonly Case[] = []): Case[] {
  return [
    ['direct call', () => handle()],
    [
      'message scope',
      () => handleInMessageScope(plainPlugins, connection, frame, undefined, handle),
    ],
    ...extra,
  ];
}

async function main(): Promise<void> {
  const tracing = new WsTracing(await loadOpenTelemetry());
  const traced = around([new TracingPlugin(tracing), {}, {}, {}]);
  const tracedCase: Case = [
    'scope + tracing plugin',
    () => handleInMessageScope(traced, connection, frame, undefined, handle),
  ];
  process.stdout.write('OpenTelemetry API present, no SDK registered:\n');
  // One case per process gives the JIT one shape, as a real app has: MICRO_CASE=<index>.
  const passThrough = around([{ aroundMessage: (_c, _f, next) => next() }, {}, {}, {}]);
  const cases = scopeCases([
    tracedCase,
    [
      'scope + pass-through aroundMessage',
      () => handleInMessageScope(passThrough, connection, frame, undefined, handle),
    ],
  ]);
  const only = process.env.MICRO_CASE;
  measure(only === undefined ? cases : [cases[Number(only)] as Case]);
  if (only !== undefined) return;
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  process.stdout.write('SDK registered (in-memory exporter, every span sampled):\n');
  measure([tracedCase, ['reset exporter', () => exporter.reset()]]);
}

await main();
