import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';

export interface InMemoryTracing {
  readonly exporter: InMemorySpanExporter;
  /** Finished spans named `name`. */
  named(name: string): ReadableSpan[];
  /** Unregisters the SDK: tracing is off again for the rest of the process. */
  stop(): Promise<void>;
}

/** Registers the real OpenTelemetry SDK globally, spans kept in memory. */
export function registerInMemoryTracing(): InMemoryTracing {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  return {
    exporter,
    named: (name) => exporter.getFinishedSpans().filter((span) => span.name === name),
    async stop() {
      await provider.shutdown();
      trace.disable();
      context.disable();
    },
  };
}

/** A W3C traceparent with fresh random ids, sampled. */
export function randomTraceparent(): { traceparent: string; traceId: string; spanId: string } {
  const hex = (bytes: number) =>
    Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) =>
      b.toString(16).padStart(2, '0'),
    ).join('');
  const traceId = hex(16);
  const spanId = hex(8);
  return { traceparent: `00-${traceId}-${spanId}-01`, traceId, spanId };
}
