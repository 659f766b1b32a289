import { Module } from '@nestjs/common';
import { CONNECTION_AUTHENTICATOR } from './adapter/connection-authenticator.js';
import { SecureWsAdapter } from './adapter/secure-ws.adapter.js';
import { asyncApiProviders } from './asyncapi/asyncapi.providers.js';
import { SecureWsAsyncApi } from './asyncapi/secure-ws-asyncapi.service.js';
import { authProviders } from './auth/auth.providers.js';
import { WsSessionRegistry } from './auth/ws-session-registry.js';
import { busProviders } from './bus/bus.providers.js';
import { WsBus } from './bus/ws-bus.interface.js';
import { ConcurrentHandlers } from './connection/concurrent-handlers.js';
import { ConnectionRegistry } from './connection/connection-registry.js';
import { SECURE_WS_PLUGINS, type SecureWsPlugin } from './connection/plugin.interface.js';
import { healthProviders } from './health/health.providers.js';
import { idempotencyPlugins, idempotencyProviders } from './idempotency/idempotency.providers.js';
import { DirectHandlers } from './lifecycle/direct-handlers.js';
import { GatewayDiscovery } from './lifecycle/gateway-discovery.js';
import { GatewayTables } from './lifecycle/gateway-tables.js';
import { GracefulShutdown } from './lifecycle/graceful-shutdown.js';
import { Heartbeat } from './lifecycle/heartbeat.js';
import { IdleDeadline } from './lifecycle/idle-deadline.js';
import { AdapterPlaceholder } from './lifecycle/missing-adapter.js';
import { ShutdownLog } from './lifecycle/shutdown-log.js';
import { WsAdvisoryCheck } from './lifecycle/ws-advisory-check.js';
import { metricsPlugins, metricsProviders } from './metrics/metrics.providers.js';
import { OperationsServer } from './operations/operations-server.js';
import { type SecureWsModuleOptions } from './options/secure-ws-options.interface.js';
import { UserPlugins } from './plugins/user-plugins.js';
import { protectionPlugins, protectionProviders } from './protection/protection.providers.js';
import { resumePlugins } from './resume/session-resume.plugin.js';
import { roomsProviders } from './rooms/rooms.providers.js';
import { WsBroadcast } from './rooms/ws-broadcast.service.js';
import { WsRooms } from './rooms/ws-rooms.service.js';
import { WsUsers } from './rooms/ws-users.service.js';
import {
  SECURE_WS_MODULE_OPTIONS,
  SECURE_WS_OPTIONS,
  SecureWsConfigurableModule,
} from './secure-ws.module-definition.js';
import { resolveOptions } from './secure-ws.module-options.js';
import { tracingPlugins, tracingProviders } from './tracing/tracing.providers.js';

/**
 * `SecureWsModule.forRoot(options)` / `forRootAsync({ useFactory, inject })`,
 * then `app.useWebSocketAdapter(app.get(SecureWsAdapter))`.
 */
@Module({
  providers: [
    {
      provide: SECURE_WS_OPTIONS,
      useFactory: (options: SecureWsModuleOptions) => resolveOptions(options),
      inject: [SECURE_WS_MODULE_OPTIONS],
    },
    {
      // The module's own plugins; `UserPlugins` adds the `plugins` option's after them.
      provide: SECURE_WS_PLUGINS,
      useFactory: (...plugins: SecureWsPlugin[]) => plugins,
      inject: [
        ...tracingPlugins,
        ...protectionPlugins,
        CONNECTION_AUTHENTICATOR,
        ...metricsPlugins,
        ...idempotencyPlugins,
        ...resumePlugins,
      ],
    },
    UserPlugins,
    ...protectionProviders,
    ...metricsProviders,
    ...healthProviders,
    OperationsServer,
    ...authProviders,
    ConnectionRegistry,
    ConcurrentHandlers,
    GatewayDiscovery,
    DirectHandlers,
    GatewayTables,
    Heartbeat,
    IdleDeadline,
    GracefulShutdown,
    SecureWsAdapter,
    ...busProviders,
    ...roomsProviders,
    ...tracingProviders,
    ...idempotencyProviders,
    ...resumePlugins,
    ...asyncApiProviders,
    AdapterPlaceholder,
    WsAdvisoryCheck,
    ShutdownLog,
  ],
  exports: [
    SECURE_WS_OPTIONS,
    ConnectionRegistry,
    SecureWsAdapter,
    WsSessionRegistry,
    ...protectionProviders,
    ...metricsProviders,
    ...healthProviders,
    OperationsServer,
    WsBus,
    WsRooms,
    WsUsers,
    WsBroadcast,
    SecureWsAsyncApi,
  ],
})
export class SecureWsModule extends SecureWsConfigurableModule {}
