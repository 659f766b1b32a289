import { type IncomingMessage } from 'node:http';
import { type WsErrorReply } from '../errors/error-mapper.js';
import { type InboundFrame } from '../frames/frame.js';
import { type BoundHandler, type Connection } from './connection.js';

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
  onHandshake?(outcome: string): void;
  /** A connection was admitted and its `handleConnection` hooks have run. */
  onOpen?(connection: Connection): void;
  /** A connection closed (admitted or not). */
  onClose?(connection: Connection, code: number): void;
  /** Before a frame reaches its handler: an error answers it instead. */
  beforeMessage?(connection: Connection, frame: InboundFrame): WsErrorReply | undefined;
  /**
   * Wraps the call of a frame's handler (after every `beforeMessage`
   * passed): return `handler` itself to leave it alone. Idempotent requests
   * are built on it.
   */
  wrapHandler?(connection: Connection, frame: InboundFrame, handler: BoundHandler): BoundHandler;
  /** A handler finished; `outcome` is `ok` or the error code. */
  afterMessage?(connection: Connection, event: string, outcome: string, durationMs: number): void;
  /** An error frame was sent. */
  onErrorFrame?(connection: Connection, code: string): void;
}

/** Injection token of the list of plugins the module runs. */
export const SECURE_WS_PLUGINS = Symbol('SECURE_WS_PLUGINS');
