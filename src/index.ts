export type { ConnectionAuthenticator } from './adapter/connection-authenticator.js';
export { CONNECTION_AUTHENTICATOR } from './adapter/connection-authenticator.js';
export { SecureWsAdapter } from './adapter/secure-ws.adapter.js';
export type { AsyncApiDocument } from './asyncapi/asyncapi-document.js';
export {
  type ContractSchema,
  EventDoc,
  type EventDocOptions,
  Push,
  type PushOptions,
  Reply,
} from './asyncapi/contract.decorators.js';
export {
  assertSameContract,
  type ContractChange,
  contractChanges,
  describeChanges,
} from './asyncapi/contract-diff.js';
export { type ContractTypesOptions, contractTypes } from './asyncapi/contract-types.js';
export type { JsonSchema, StandardSchemaToJson } from './asyncapi/json-schema.js';
export { SecureWsAsyncApi } from './asyncapi/secure-ws-asyncapi.service.js';
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
export { Concurrent } from './connection/concurrent.decorator.js';
export { wsConnectionOf as connectionOf } from './connection/connection.js';
export { ConnectionRegistry } from './connection/connection-registry.js';
export type { GatewayFormat, SecureGatewayOptions } from './connection/gateway-server.js';
export { TEXT_EVENT } from './connection/gateway-server.js';
export type {
  HandshakeRefusal,
  SecureWsPlugin,
  SecureWsPluginRef,
  WsEventHandler,
  WsFrameHandler,
  WsGatewayInfo,
  WsPluginEvents,
} from './connection/plugin.interface.js';
export type { ReadBackpressureOptions } from './connection/read-backpressure.js';
export type { WsSession } from './connection/session.js';
export type { ConnectionState, WsConnection } from './connection/ws-connection.interface.js';
export { WsCloseCode, WsErrorCode } from './errors/error-codes.js';
export type { WsErrorReply } from './errors/error-mapper.js';
export { SecureWsException, type SecureWsExceptionOptions } from './errors/secure-ws.exception.js';
export type { ErrorFrameData, InboundFrame, OutboundMessage } from './frames/frame.js';
export { WsRequestId } from './frames/request-id.decorator.js';
export { HealthController } from './health/health.controller.js';
export type {
  HealthIndicator,
  HealthIndicatorResult,
  HealthReport,
} from './health/health-indicator.interface.js';
export { SecureWsHealth } from './health/secure-ws-health.js';
export type { HistoryOptions, RoomRetention } from './history/history-options.js';
export type { HistorySince, HistoryStore } from './history/history-store.interface.js';
export { WsHistoryStore } from './history/history-store.interface.js';
export { InMemoryHistoryStore } from './history/in-memory-history.store.js';
export { RedisHistoryStore } from './history/redis-history.store.js';
export type { RoomPosition } from './history/room-position.js';
export { idempotencyStoreFor } from './idempotency/idempotency.providers.js';
export {
  IDEMPOTENCY_STORE,
  type IdempotencyRecord,
  type IdempotencyStore,
  type IdempotentOutcome,
  type StoredError,
} from './idempotency/idempotency-store.interface.js';
export { InMemoryIdempotencyStore } from './idempotency/in-memory-idempotency.store.js';
export { RedisIdempotencyStore } from './idempotency/redis-idempotency.store.js';
export {
  currentMessage,
  type MessageConnection,
  type MessageContext,
  type MessageStepObserver,
} from './logging/message-context.js';
export { installMessageLogFields, messageLogFields } from './logging/message-log-fields.js';
export { MetricsController } from './metrics/metrics.controller.js';
export type {
  MetricsOptions,
  ResolvedMetricsOptions,
} from './metrics/metrics-options.interface.js';
export { SecureWsMetrics, UNKNOWN_EVENT_LABEL } from './metrics/secure-ws-metrics.js';
export type { DirectGuard, DirectGuardCheck } from './nest/direct-guard.interface.js';
export { OperationsServer } from './operations/operations-server.js';
export type { AsyncApiOptions } from './options/asyncapi-options.interface.js';
export type { IdempotencyOptions } from './options/idempotency-options.js';
export type { OperationsOptions } from './options/operations-options.js';
export type {
  HeartbeatOptions,
  ListenerOptions,
  SecureWsCoreOptions,
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
export { RESUME_EVENT, SessionResume } from './resume/session-resume.plugin.js';
export type { RoomMember } from './rooms/room-member.js';
export { ROOM_NAME_PATTERN } from './rooms/room-name.js';
export type { RoomJoinRule, RoomPolicy } from './rooms/room-policy.js';
export type { RoomResumeReason, RoomResumeResult } from './rooms/room-resume-result.js';
export { WsBroadcast } from './rooms/ws-broadcast.service.js';
export { WsRooms } from './rooms/ws-rooms.service.js';
export { WsUsers } from './rooms/ws-users.service.js';
export { SecureWsModule } from './secure-ws.module.js';
export { SECURE_WS_OPTIONS } from './secure-ws.module-definition.js';
export { SecureStandardSchemaPipe } from './validation/secure-standard-schema.pipe.js';
export {
  SecureValidationPipe,
  ValidationFailedException,
} from './validation/secure-validation.pipe.js';
export type { ValidationDetail } from './validation/validation-details.js';
