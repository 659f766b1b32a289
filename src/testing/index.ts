/**
 * The test kit for your own gateways (`nestjs-secure-ws/testing`): boot a
 * Nest app with the module's adapter on a free port, connect real clients,
 * assert exact frames, error codes and close codes, read the logs.
 */

export { freePort } from './free-port.js';
export { captureLogs, type LogCapture } from './log-capture.js';
export { NatsServer, type NatsServerOptions } from './nats-server.js';
export { RedisServer, type RedisServerOptions } from './redis-server.js';
export { createTestApp, type TestApp, type TestAppOptions } from './test-app.js';
export {
  type ClosedEvent,
  type ErrorFrameData,
  type TestConnectOptions,
  UpgradeRefused,
  WsTestClient,
} from './ws-test-client.js';
