/**
 * What the client needs of `@opentelemetry/api`, described here so the
 * client imports nothing: pass the app's own `import * as otel from
 * '@opentelemetry/api'`.
 */
export interface OpenTelemetryTraceApi {
  trace: {
    getActiveSpan():
      | { spanContext(): { traceId: string; spanId: string; traceFlags: number } }
      | undefined;
  };
}

/** Gives the W3C `traceparent` to send with a frame, or `undefined` for none. */
export type TraceparentProvider = () => string | undefined;

const INVALID_TRACE_ID = '0'.repeat(32);

/**
 * A `traceparent` option for `WsClient` that sends the caller's active
 * OpenTelemetry span (browser or Node) with each frame, so the server's
 * span for the message continues the caller's trace.
 */
export function activeSpanTraceparent(api: OpenTelemetryTraceApi): TraceparentProvider {
  return () => {
    const context = api.trace.getActiveSpan()?.spanContext();
    if (!context || context.traceId === INVALID_TRACE_ID) return undefined;
    const flags = (context.traceFlags & 0xff).toString(16).padStart(2, '0');
    return `00-${context.traceId}-${context.spanId}-${flags}`;
  };
}
