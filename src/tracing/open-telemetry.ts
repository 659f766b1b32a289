import type * as OpenTelemetryApi from '@opentelemetry/api';

/** `@opentelemetry/api`, an optional peer dependency of the module. */
export type OpenTelemetry = typeof OpenTelemetryApi;

/** The app's `@opentelemetry/api`, or `undefined` when it is not installed. */
export async function loadOpenTelemetry(): Promise<OpenTelemetry | undefined> {
  try {
    return await import('@opentelemetry/api');
  } catch {
    return undefined;
  }
}
