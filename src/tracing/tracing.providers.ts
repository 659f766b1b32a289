import { type Provider } from '@nestjs/common';
import { loadOpenTelemetry } from './open-telemetry.js';
import { TracingPlugin } from './tracing.plugin.js';
import { WsTracing } from './ws-tracing.js';

export const tracingProviders: Provider[] = [
  { provide: WsTracing, useFactory: async () => new WsTracing(await loadOpenTelemetry()) },
  {
    provide: TracingPlugin,
    useFactory: (tracing: WsTracing) => new TracingPlugin(tracing),
    inject: [WsTracing],
  },
];

/** The tracing plugin (see `TracingPlugin`); first in the list. */
export const tracingPlugins = [TracingPlugin];
