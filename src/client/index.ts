/**
 * The browser and Node client of the wire contract (`nestjs-secure-ws/client`).
 * Nothing here imports Node modules; the codes are the server's own.
 */
export { CLOSE_CODE_OF, WsCloseCode, WsErrorCode } from '../errors/error-codes.js';
export type { ReconnectOptions } from './reconnect-backoff.js';
export type { RoomPosition } from './room-positions.js';
export type { RoomResumeResult } from './room-resume.js';
export {
  activeSpanTraceparent,
  type OpenTelemetryTraceApi,
  type TraceparentProvider,
} from './trace-context.js';
export type { WebSocketConstructor, WebSocketLike } from './web-socket.js';
export type {
  RequestOptions,
  ServerFrame,
  WsAuthSession,
  WsClientState,
  WsCloseInfo,
} from './ws-client.js';
export { WsClient } from './ws-client.js';
export {
  ClientErrorCode,
  type ErrorFrameData,
  WsClientError,
  type WsClientErrorCode,
} from './ws-client-error.js';
export type { TokenProvider, TokenTransport, WsClientOptions } from './ws-client-options.js';
export type {
  PushData,
  PushEvent,
  ReplyData,
  RequestData,
  RequestEvent,
  UntypedContract,
  WsContract,
} from './ws-contract.js';
