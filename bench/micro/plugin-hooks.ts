/**
 * What the plugin list costs per message, walked the way the connection
 * walks it: every plugin asked for every hook (before #16's per-hook lists)
 * or only the plugins that have each hook (`PluginHooks`), with and without
 * the tracing plugin (no SDK registered: tracing off). The other plugins are
 * stand-ins with the hook shapes of the module's own (rate limiter,
 * handshake guard, authenticator, metrics, idempotency, session resume),
 * each a class of its own as in an app, each hook a counter.
 *
 *   tsc -p tsconfig.bench.json
 *   for c in 0 1 2 3; do MICRO_CASE=$c node build/bench/micro/plugin-hooks.js; done
 *
 * One case per process (`MICRO_CASE`), so the JIT sees one shape per call
 * site as a real app does; without it, every case runs in this process.
 */
import { performance } from 'node:perf_hooks';
import { type Connection } from '../../src/connection/connection.js';
import { handleInMessageScope } from '../../src/connection/message-scope.js';
import { type SecureWsPlugin, type WsFrameHandler } from '../../src/connection/plugin.interface.js';
import { PluginHooks } from '../../src/connection/plugin-hooks.js';
import { type InboundFrame } from '../../src/frames/frame.js';
import { loadOpenTelemetry } from '../../src/tracing/open-telemetry.js';
import { TracingPlugin } from '../../src/tracing/tracing.plugin.js';
import { WsTracing } from '../../src/tracing/ws-tracing.js';

const MESSAGES = Number(process.env.MICRO_MESSAGES ?? 2_000_000);
const ROUNDS = Number(process.env.MICRO_ROUNDS ?? 5);
let work = 0;

class HandshakeGuardShape implements SecureWsPlugin {
  checkHandshake(): undefined {
    return undefined;
  }
  onOpen(): void {
    work += 1;
  }
}
class RateLimiterShape implements SecureWsPlugin {
  beforeMessage(): undefined {
    work += 1;
    return undefined;
  }
  onRefusedFrame(): undefined {
    return undefined;
  }
}
class AuthenticatorShape implements SecureWsPlugin {
  events(): undefined {
    return undefined;
  }
  checkHandshake(): undefined {
    return undefined;
  }
  onAdmissionFrame(): boolean {
    return false;
  }
}
class MetricsShape implements SecureWsPlugin {
  onHandshake(): void {}
  onClose(): void {}
  afterMessage(): void {
    work += 1;
  }
  onErrorFrame(): void {}
}
class IdempotencyShape implements SecureWsPlugin {
  wrapHandler(_c: unknown, _f: InboundFrame, handler: WsFrameHandler): WsFrameHandler {
    return handler;
  }
}
class ResumeShape implements SecureWsPlugin {
  events(): undefined {
    return undefined;
  }
}

const connection = {
  id: 'c',
  session: { userId: 'u' },
  server: { path: '/ws' },
} as unknown as Connection;
const frame: InboundFrame = { event: 'echo', data: { text: 'hi' }, id: 1 };
const handler: WsFrameHandler = () => {
  work += 1;
};

/** The walk before the per-hook lists: every plugin, every hook. */
function everyPlugin(plugins: readonly SecureWsPlugin[]): () => void {
  const route = () => {
    for (const plugin of plugins) if (plugin.beforeMessage?.(connection, frame)) return;
    let run = handler;
    for (const plugin of plugins)
      if (plugin.wrapHandler) run = plugin.wrapHandler(connection, frame, run);
    run(frame.data, frame);
    for (const plugin of plugins) plugin.afterMessage?.(connection, frame.event, 'ok', 0);
  };
  return () => handleInMessageScope(plugins, connection, frame, undefined, route);
}

/** The walk with `PluginHooks`: each hook's own list. */
function perHook(plugins: readonly SecureWsPlugin[]): () => void {
  const hooks = new PluginHooks(plugins);
  const route = () => {
    for (const plugin of hooks.current().beforeMessage) {
      if (plugin.beforeMessage?.(connection, frame)) return;
    }
    let run = handler;
    for (const plugin of hooks.current().wrapHandler) {
      if (plugin.wrapHandler) run = plugin.wrapHandler(connection, frame, run);
    }
    run(frame.data, frame);
    const after = hooks.current().afterMessage;
    if (after.length > 0) {
      for (const plugin of after) plugin.afterMessage?.(connection, frame.event, 'ok', 0);
    }
  };
  return () =>
    handleInMessageScope(hooks.current().aroundMessage, connection, frame, undefined, route);
}

function nsPerMessage(run: () => void): number {
  for (let i = 0; i < MESSAGES / 10; i += 1) run();
  const started = performance.now();
  for (let i = 0; i < MESSAGES; i += 1) run();
  return ((performance.now() - started) * 1e6) / MESSAGES;
}

async function main(): Promise<void> {
  const tracing = new TracingPlugin(new WsTracing(await loadOpenTelemetry()));
  const others = (): SecureWsPlugin[] => [
    new HandshakeGuardShape(),
    new RateLimiterShape(),
    new AuthenticatorShape(),
    new MetricsShape(),
    new IdempotencyShape(),
    new ResumeShape(),
  ];
  const cases: Array<[string, () => void]> = [
    ['every plugin, no tracing plugin', everyPlugin(others())],
    ['every plugin, tracing off', everyPlugin([tracing, ...others()])],
    ['per-hook lists, no tracing plugin', perHook(others())],
    ['per-hook lists, tracing off', perHook([tracing, ...others()])],
  ];
  const only = process.env.MICRO_CASE;
  const chosen = only === undefined ? cases : [cases[Number(only)] as [string, () => void]];
  for (const [name, run] of chosen) {
    const figures: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) figures.push(nsPerMessage(run));
    figures.sort((a, b) => a - b);
    const median = figures[Math.floor(figures.length / 2)] as number;
    process.stdout.write(
      `${process.version} ${name.padEnd(34)} median ${median.toFixed(0)} ns/message (min ${figures[0]?.toFixed(0)}, max ${figures.at(-1)?.toFixed(0)})\n`,
    );
  }
  process.stderr.write(`(${work} units of work)\n`);
}

await main();
