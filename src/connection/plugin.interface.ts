import { type IncomingMessage } from 'node:http';
import { type Type } from '@nestjs/common';
import { type WsErrorReply } from '../errors/error-mapper.js';
import { type InboundFrame } from '../frames/frame.js';
import { type WsConnection } from './ws-connection.interface.js';

/** A frame's handler as the connection calls it: `(data, frame) => result`. */
export type WsFrameHandler = (data: unknown, frame: InboundFrame) => unknown;

/**
 * An event a plugin answers itself (see `SecureWsPlugin.events`): its
 * result is the reply, as a handler's is (a value, `{ event, data }`, a
 * promise or an Observable); what it throws goes through the error funnel.
 */
export type WsEventHandler = (
  connection: WsConnection,
  data: unknown,
  frame: InboundFrame,
) => unknown;

/** A plugin's events by name: `{ 'server.time': () => ({ now: Date.now() }) }`. */
export type WsPluginEvents = Readonly<Record<string, WsEventHandler>>;

/** An HTTP refusal of an upgrade, written before any WebSocket exists: `{ "code": ... }` with `status`. */
export interface HandshakeRefusal {
  status: number;
  code: string;
  headers?: Record<string, string>;
}

/** What a plugin may know of the gateway an upgrade or a connection is for. */
export interface WsGatewayInfo {
  /** The gateway's path, e.g. `/chat`. */
  readonly path: string;
  /** `json` (the contract's envelope) or `text`. */
  readonly format: 'json' | 'text';
  /** `false` when the gateway opted out of the module's authentication. */
  readonly auth: boolean;
}

/**
 * The module's one seam into a connection's life. The module's own
 * protection, authentication and metrics are plugins; users add theirs with
 * `SecureWsModule.forRoot({ plugins: [MyPlugin] })` (see docs/extending.md).
 * Every hook is optional. Hooks on the per-frame path (`beforeMessage`,
 * `afterMessage`, `onErrorFrame`) must be cheap and synchronous; only
 * `checkHandshake` may return a promise.
 */
export interface SecureWsPlugin {
  /**
   * The events this plugin answers on the open connections of `gateway`
   * (JSON gateways only), by name. Asked once per gateway, when one of its
   * connections first needs them, not per connection. A gateway's own
   * handler of the same name wins, then the first plugin (the module's own
   * come first: `auth`, `session.resume`). They run at once, never queued
   * behind the connection's handlers, and pass every `beforeMessage` and
   * `wrapHandler` like any event; frames of a connection not yet
   * authenticated never reach them (UNAUTHENTICATED, like any event).
   */
  events?(gateway: WsGatewayInfo): WsPluginEvents | undefined;
  /**
   * A frame of a connection that is not admitted yet (its authenticator has
   * not opened it: first-message authentication is built on this), once it
   * parsed and passed every `beforeMessage`. Return `true` when this plugin
   * took it (and answered it); a frame no plugin takes waits for the open.
   */
  onAdmissionFrame?(connection: WsConnection, frame: InboundFrame): boolean;
  /**
   * Before the upgrade, in plugin order; the first refusal stops it with its
   * HTTP status and `{ "code": ... }`. May be async (a database lookup): the
   * upgrade waits for it.
   */
  checkHandshake?(
    request: IncomingMessage,
    gateway: WsGatewayInfo,
  ): HandshakeRefusal | undefined | Promise<HandshakeRefusal | undefined>;
  /** Every handshake's outcome: `accepted` or the refusal code. */
  onHandshake?(outcome: string, request?: IncomingMessage): void;
  /** A connection was admitted and its `handleConnection` hooks have run. */
  onOpen?(connection: WsConnection): void;
  /**
   * A connection closed (admitted or not), with the close code sent or
   * received. A throw is logged (`Plugin onClose failed`); the other
   * plugins' `onClose` still run.
   */
  onClose?(connection: WsConnection, code: number): void;
  /**
   * Wraps the whole handling of a well-formed frame of an open connection
   * (the plugins' `beforeMessage`, guards, pipes, the handler's synchronous
   * part); must call `handle` once, synchronously. What `handle` starts
   * keeps the async context the plugin set (OpenTelemetry's active span, for
   * one).
   */
  aroundMessage?(connection: WsConnection, frame: InboundFrame, handle: () => void): void;
  /**
   * Every frame that parsed, before it is handled, authenticated or not
   * (frames sent while a connection authenticates come here too): an error
   * reply answers the frame instead of its handler.
   */
  beforeMessage?(connection: WsConnection, frame: InboundFrame): WsErrorReply | undefined;
  /**
   * A frame that reaches no handler (bad JSON, a binary frame on a JSON
   * gateway, an unknown event, one over the pending-frame bound): it draws from the
   * same budgets as handled ones. A reply answers it instead of its own error.
   */
  onRefusedFrame?(connection: WsConnection): WsErrorReply | undefined;
  /**
   * Wraps the call of a frame's handler, once every `beforeMessage` passed
   * and the handler is known: return `handler` itself to leave it alone.
   * Idempotent requests are built on it.
   */
  wrapHandler?(
    connection: WsConnection,
    frame: InboundFrame,
    handler: WsFrameHandler,
  ): WsFrameHandler;
  /** A handler finished; `outcome` is `ok` or the error code. */
  afterMessage?(connection: WsConnection, event: string, outcome: string, durationMs: number): void;
  /** An error frame was sent, whatever sent it. */
  onErrorFrame?(connection: WsConnection, code: string): void;
}

/**
 * A plugin in the `plugins` option: a class, created with dependency
 * injection (the app's provider of that class if there is one, else a new
 * instance whose constructor gets the module's and global providers), or an
 * instance used as it is.
 */
export type SecureWsPluginRef = Type<SecureWsPlugin> | SecureWsPlugin;

/** Injection token of the list of plugins the module runs, in order. */
export const SECURE_WS_PLUGINS = Symbol('SECURE_WS_PLUGINS');

declare module '../options/secure-ws-options.interface.js' {
  interface SecureWsModuleOptions {
    /**
     * Your plugins, run after the module's own (protection, authentication,
     * metrics): classes created with dependency injection, or instances. See
     * docs/extending.md.
     * @default []
     */
    plugins?: SecureWsPluginRef[];
  }
  interface ResolvedSecureWsOptions {
    plugins: SecureWsPluginRef[];
  }
}
