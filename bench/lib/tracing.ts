import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
  TracerProvider,
} from '@opentelemetry/sdk-trace';

/** Takes every span and drops it: the cost of tracing without the cost of a collector. */
class DroppingExporter implements SpanExporter {
  exported = 0;
  export(spans: ReadableSpan[], done: (result: { code: 0 }) => void): void {
    this.exported += spans.length;
    done({ code: 0 });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * `BENCH_TRACING=1 npm run bench -- --only echo`: the module's server
 * registers the OpenTelemetry SDK (every span sampled, batched, dropped)
 * before it starts, to compare tracing off and on.
 */
export function registerBenchTracing(): boolean {
  if (process.env.BENCH_TRACING !== '1') return false;
  const provider = new TracerProvider({
    spanProcessors: [new BatchSpanProcessor({ exporter: new DroppingExporter() })],
  });
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  return true;
}
