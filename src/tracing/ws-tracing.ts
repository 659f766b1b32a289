import type {
  Attributes,
  Context,
  Link,
  Span,
  SpanKind,
  Tracer,
  TracerProvider,
} from '@opentelemetry/api';
import { type OpenTelemetry } from './open-telemetry.js';

const TRACER_NAME = 'nestjs-secure-ws';
const RECHECK_EVERY = 1000;

/** Which kind of span, by the API's names (the enum lives in the optional peer). */
export type WsSpanKind = keyof typeof SpanKind;

/**
 * The module's door to OpenTelemetry. Without `@opentelemetry/api`, or
 * without an SDK registered, `start` returns `undefined` and callers do no
 * more work (no attributes, no context switch): tracing off costs one
 * no-op span per message.
 */
export class WsTracing {
  private readonly tracer: Tracer | undefined;
  /** The API's no-op provider: what the global provider delegates to until an SDK registers. */
  private readonly noopProvider: TracerProvider | undefined;

  constructor(private readonly api: OpenTelemetry | undefined) {
    this.tracer = api?.trace.getTracer(TRACER_NAME);
    this.noopProvider = api && new api.ProxyTracerProvider().getDelegate();
  }

  private registered = false;
  private checksLeft = 0;

  /**
   * True while an SDK has a tracer provider registered. Asking the API costs
   * about 100 ns, so the answer is kept for the next `RECHECK_EVERY` calls:
   * an SDK registered after the app started is seen within that many.
   */
  get sdkRegistered(): boolean {
    if (this.checksLeft > 0) {
      this.checksLeft -= 1;
      return this.registered;
    }
    this.checksLeft = RECHECK_EVERY;
    const api = this.api;
    const provider = api?.trace.getTracerProvider();
    this.registered =
      provider !== undefined &&
      (!(provider instanceof (api as OpenTelemetry).ProxyTracerProvider) ||
        provider.getDelegate() !== this.noopProvider);
    return this.registered;
  }

  /** A recording span, child of `parent` (default: the active context), or `undefined`. */
  start(name: string, kind: WsSpanKind, parent?: Context, links?: Link[]): Span | undefined {
    const api = this.api;
    if (!api || !this.tracer || !this.sdkRegistered) return undefined;
    const span = this.tracer.startSpan(
      name,
      { kind: api.SpanKind[kind], links },
      parent ?? api.context.active(),
    );
    return span.isRecording() ? span : undefined;
  }

  /** A context whose parent is the remote span a valid `traceparent` names. */
  remoteContext(traceparent: string): Context | undefined {
    const api = this.api;
    if (!api) return undefined;
    return api.trace.setSpanContext(api.ROOT_CONTEXT, {
      traceId: traceparent.slice(3, 35),
      spanId: traceparent.slice(36, 52),
      traceFlags: Number.parseInt(traceparent.slice(53, 55), 16),
      isRemote: true,
    });
  }

  /** A link to the span a valid `traceparent` names. */
  linkTo(traceparent: string): Link[] | undefined {
    const context = this.remoteContext(traceparent);
    const spanContext = context && this.api?.trace.getSpanContext(context);
    return spanContext ? [{ context: spanContext }] : undefined;
  }

  /** Runs `fn` with `span` as the active span. */
  withSpan<T>(span: Span, fn: () => T): T {
    const api = this.api as OpenTelemetry;
    return api.context.with(api.trace.setSpan(api.context.active(), span), fn);
  }

  /** Ends `span` after setting the attributes and, for a server fault, the error status. */
  end(span: Span, attributes: Attributes, failed = false): void {
    span.setAttributes(attributes);
    if (failed) span.setStatus({ code: (this.api as OpenTelemetry).SpanStatusCode.ERROR });
    span.end();
  }
}

/** The W3C `traceparent` of a span. */
export function traceparentOf(span: Span): string {
  const { traceId, spanId, traceFlags } = span.spanContext();
  return `00-${traceId}-${spanId}-${(traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}
