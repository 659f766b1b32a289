/**
 * Loaded first by `main.ts`. When `OTEL_TRACES_EXPORTER` names an exporter
 * (`console`, `otlp`, ...), starts the OpenTelemetry Node SDK, which reads
 * the standard environment itself (`OTEL_SERVICE_NAME`,
 * `OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_EXPORTER_OTLP_PROTOCOL`, sampling).
 * Unset, `none`, or `OTEL_SDK_DISABLED=true`: nothing is loaded, tracing is off.
 * The app exports only traces this way (its metrics are on `GET /metrics`,
 * its logs on stdout), unless `OTEL_METRICS_EXPORTER` / `OTEL_LOGS_EXPORTER`
 * say otherwise.
 */
const env = process.env;
const exporter = env.OTEL_TRACES_EXPORTER?.trim();

if (exporter && exporter !== 'none' && env.OTEL_SDK_DISABLED !== 'true') {
  env.OTEL_METRICS_EXPORTER ??= 'none';
  env.OTEL_LOGS_EXPORTER ??= 'none';
  const { NodeSDK } = await import('@opentelemetry/sdk-node');
  const sdk = new NodeSDK();
  sdk.start();
  // Spans still in the batch go out before a normal exit.
  process.once('beforeExit', () => {
    sdk.shutdown().catch(() => undefined);
  });
}

export {};
