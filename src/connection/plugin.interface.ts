import { type IncomingMessage } from 'node:http';
import { type WsErrorReply } from '../errors/error-mapper.js';
import { type InboundFrame } from '../frames/frame.js';
import { type Connection } from './connection.js';

/** An HTTP refusal of an upgrade, written before any WebSocket exists. */
export interface HandshakeRefusal {
  status: number;
  code: string;
  headers?: Record<string, string>;
}

/**
 * A piece of the module that watches or polices connections: protection,
 * metrics, rooms. Every hook is optional; hot-path hooks must be cheap and
 * synchronous.
 */
export interface SecureWsPlugin {
  /** Before the upgrade: a refusal stops it with an HTTP status. */
  checkHandshake?(request: IncomingMessage): HandshakeRefusal | undefined;
  /** Every handshake's outcome: `accepted` or the refusal code. */
  onHandshake?(outcome: string, request?: IncomingMessage): void;
  /** A connection was admitted and its `handleConnection` hooks have run. */
  onOpen?(connection: Connection): void;
  /** A connection closed (admitted or not). */
  onClose?(connection: Connection, code: number): void;
  /**
   * Wraps the whole handling of a well-formed frame (the other plugins'
   * checks, guards, pipes, the handler's synchronous part); must call
   * `handle` once, synchronously. What `handle` starts keeps the async
   * context the plugin set (OpenTelemetry's active span, for one).
   */
  aroundMessage?(connection: Connection, frame: InboundFrame, handle: () => void): void;
  /** Before a frame reaches its handler: an error answers it instead. */
  beforeMessage?(connection: Connection, frame: InboundFrame): WsErrorReply | undefined;
  /** A handler finished; `outcome` is `ok` or the error code. */
  afterMessage?(connection: Connection, event: string, outcome: string, durationMs: number): void;
  /** An error frame was sent. */
  onErrorFrame?(connection: Connection, code: string): void;
}

/** Injection token of the list of plugins the module runs. */
export const SECURE_WS_PLUGINS = Symbol('SECURE_WS_PLUGINS');
