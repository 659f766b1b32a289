export type { ConnectionAuthenticator } from './adapter/connection-authenticator.js';
export { CONNECTION_AUTHENTICATOR } from './adapter/connection-authenticator.js';
export { SecureWsAdapter } from './adapter/secure-ws.adapter.js';
export type {
  AuthOptions,
  JwtAlgorithm,
  TokenSourceOptions,
  UserLimitPolicy,
} from './auth/auth-options.interface.js';
export { InMemoryRevocationStore } from './auth/in-memory-revocation-store.js';
export { AUTH_EVENT } from './auth/jwt-connection-authenticator.js';
export { JwtVerifier, type TokenCheck } from './auth/jwt-verifier.js';
export { RequireClaims, RequireRoles, RequireScopes } from './auth/require-auth.decorators.js';
export { resolveAuthOptions } from './auth/resolve-auth-options.js';
export {
  REVOCATION_STORE,
  type Revocation,
  type RevocationStore,
} from './auth/revocation-store.interface.js';
export { ACCESS_TOKEN_PROTOCOL } from './auth/token-sources.js';
export { WsAuthGuard } from './auth/ws-auth.guard.js';
export { type RevokeOptions, WsSessionRegistry } from './auth/ws-session-registry.js';
export { WsUser } from './auth/ws-user.decorator.js';
export { InMemoryBus } from './bus/in-memory.bus.js';
export { RedisBus } from './bus/redis.bus.js';
export type { RedisBusOptions } from './bus/redis-bus-options.js';
export type {
  BusHandler,
  BusHealth,
  BusStatus,
  BusSubscription,
  ExpiringEntry,
  PresenceEntry,
  WsBusCapabilities,
  WsExpiringSets,
  WsPresence,
} from './bus/ws-bus.interface.js';
export { WsBus } from './bus/ws-bus.interface.js';
export { wsConnectionOf as connectionOf } from './connection/connection.js';
export { ConnectionRegistry } from './connection/connection-registry.js';
export type { GatewayFormat, SecureGatewayOptions } from './connection/gateway-server.js';
export { TEXT_EVENT } from './connection/gateway-server.js';
export type {
  HandshakeRefusal,
  SecureWsPlugin,
  SecureWsPluginRef,
  WsGatewayInfo,
} from './connection/plugin.interface.js';
export type { WsSession } from './connection/session.js';
export type { ConnectionState, WsConnection } from './connection/ws-connection.interface.js';
export { WsCloseCode, WsErrorCode } from './errors/error-codes.js';
export type { WsErrorReply } from './errors/error-mapper.js';
export { SecureWsException, type SecureWsExceptionOptions } from './errors/secure-ws.exception.js';
export type { ErrorFrameData, InboundFrame, OutboundMessage } from './frames/frame.js';
export { HealthController } from './health/health.controller.js';
export type {
  HealthIndicator,
  HealthIndicatorResult,
  HealthReport,
} from './health/health-indicator.interface.js';
export { SecureWsHealth } from './health/secure-ws-health.js';
export { MetricsController } from './metrics/metrics.controller.js';
export type { MetricsOptions } from './metrics/metrics-options.interface.js';
export { SecureWsMetrics, UNKNOWN_EVENT_LABEL } from './metrics/secure-ws-metrics.js';
export type {
  HeartbeatOptions,
  ListenerOptions,
  SecureWsModuleOptions,
  TlsOptions,
} from './options/secure-ws-options.interface.js';
export {
  HandshakeGuard,
  HandshakeRefusalCode,
  protectedClientAddress,
} from './protection/handshake-guard.js';
export { MessageRateLimiter } from './protection/message-rate-limiter.js';
export type { AllowedOrigins } from './protection/origin-policy.js';
export type {
  AbuseRule,
  ProtectionOptions,
} from './protection/protection-options.interface.js';
export { RateLimit } from './protection/rate-limit.decorator.js';
export type { RateLimitRule } from './protection/token-bucket.js';
export type { RoomMember } from './rooms/room-member.js';
export { ROOM_NAME_PATTERN } from './rooms/room-name.js';
export { WsBroadcast } from './rooms/ws-broadcast.service.js';
export { WsRooms } from './rooms/ws-rooms.service.js';
export { WsUsers } from './rooms/ws-users.service.js';
export { SecureWsModule } from './secure-ws.module.js';
export { SECURE_WS_OPTIONS } from './secure-ws.module-definition.js';
export {
  SecureValidationPipe,
  ValidationFailedException,
} from './validation/secure-validation.pipe.js';
export type { ValidationDetail } from './validation/validation-details.js';
