/*
 * The walk of one frame, from bytes to a reply or an error frame:
 * 1. receive: `onFrame` (the adapter's `message` listener, adapter/secure-ws.adapter.ts);
 *    while admitting, frames wait (`pending`) or go to the plugins' `onAdmissionFrame`
 *    (first-message auth, auth/jwt-connection-authenticator.ts);
 * 2. parse: `parse` (frames/frame-parser.ts: envelope, JSON depth and keys);
 * 3. authorize: the plugins' `beforeMessage` (connection/plugin.interface.ts;
 *    rate limits in protection/message-rate-limiter.ts), then Nest's guards
 *    (auth/ws-auth.guard.ts) inside the handler;
 * 4. validate: Nest's pipes inside the handler, with the app's payload
 *    validation (lifecycle/gateway-payload-validation.ts, validation/secure-validation.pipe.ts);
 * 5. dispatch: `dispatch` (inside the message's log and trace context, connection/message-scope.ts),
 *    `route` and `invoke`, the handler Nest bound in `bindMessageHandlers`, else a
 *    plugin's event (connection/plugin-events.ts: `auth` refresh, `session.resume`);
 * 6. reply: `settle` and `reply` (frames/frame-writer.ts), through `send` and its backpressure;
 * 7. error: `failWith` (errors/error-mapper.ts `mapError`) and `fail`, the one funnel;
 *    `closeWith` for errors that close;
 * 8. log: client errors in logging/client-error-log.ts, server bugs with a `ref` in `logUnexpected`.
 */
import { randomUUID } from 'node:crypto';
import { type IncomingMessage } from 'node:http';
import { type Socket } from 'node:net';
import { type Logger } from 'pino';
import { isObservable } from 'rxjs';
import { type RawData, WebSocket } from 'ws';
import { WsCloseCode, WsErrorCode } from '../errors/error-codes.js';
import { mapError, replyOf, type WsErrorReply } from '../errors/error-mapper.js';
import { type EncodedFrame, textFrame } from '../frames/encoded-frame.js';
import { type InboundFrame } from '../frames/frame.js';
import { type FrameLimits, parseFrame } from '../frames/frame-parser.js';
import { errorFrame, messageFrame } from '../frames/frame-writer.js';
import { isOutboundMessage } from '../frames/outbound-message.js';
import { ClientErrorLog } from '../logging/client-error-log.js';
import { type ResolvedSecureWsOptions } from '../options/secure-ws-options.interface.js';
import { cutSocket } from './cut-socket.js';
import { dispatchModeOf } from './dispatch-mode.js';
import { DispatchQueue } from './dispatch-queue.js';
import { type GatewayServer, TEXT_EVENT } from './gateway-server.js';
import { corkUntilLoopTurn, loopTurn, MAX_HELD_BYTES } from './loop-cork.js';
import { handleInMessageScope, laterInThisMessage } from './message-scope.js';
import { type SecureWsPlugin } from './plugin.interface.js';
import { type PluginEvents } from './plugin-events.js';
import { type PluginHooks, pluginHooksOf } from './plugin-hooks.js';
import { overHighWater, ReadBackpressure } from './read-backpressure.js';
import { serverReceiverLimits, setReceiverLimits } from './receiver-limits.js';
import { type WsSession } from './session.js';
import { type ConnectionState, type WsConnection } from './ws-connection.interface.js';

/** What every connection of one app shares. */
export interface ConnectionRuntime {
  readonly options: ResolvedSecureWsOptions;
  readonly logger: Logger;
  readonly plugins: readonly SecureWsPlugin[];
  /** `plugins` split by hook (connection/plugin-hooks.ts): made by the first connection that asks. */
  hooks?: PluginHooks;
  /** The plugins' `events`, per gateway. */
  readonly pluginEvents: PluginEvents;
  readonly frameLimits: FrameLimits;
}

type CloseListener = (code: number, client: WebSocket) => void;

/** A message handler as Nest binds it to one client: `(data, frame) => result`. */
export type BoundHandler = (data: unknown, frame: InboundFrame) => unknown;

export type { ConnectionState } from './ws-connection.interface.js';

const CONNECTION = Symbol('secure-ws.connection');
/** What `disconnected` is until a `handleDisconnect` hook runs: one promise for every connection. */
const NO_DISCONNECT_HOOK: Promise<unknown> = Promise.resolve();
/** What `open` returns when it opened at once: one settled promise for every connection. */
const OPENED: Promise<void> = Promise.resolve();
const FORCE_CLOSE_AFTER_MS = 2000;
/**
 * Frames a peer may still send after the server's close frame (a few were
 * in flight); beyond them its socket is no longer read, until the force-close.
 */
const FRAMES_AFTER_CLOSE = 64;

/**
 * A random UUID as one flat string: `randomUUID()` returns a rope of 14
 * concatenated pieces (~450 B kept per connection); reading a character
 * makes V8 flatten it in place, and the pieces are let go.
 */
function flatId(): string {
  const id = randomUUID();
  id.charCodeAt(0);
  return id;
}

/** Whether `open()` opened the connection at once: its promise is already settled, fulfilled. */
export function openedAtOnce(result: Promise<void>): boolean {
  return result === OPENED;
}

/** The module's state of a client socket, or `undefined` for a socket it does not serve. */
export function connectionOf(client: unknown): Connection | undefined {
  return (client as { [CONNECTION]?: Connection } | null)?.[CONNECTION];
}

/** The module's connection behind a `WsConnection` a user hands back (to `WsRooms`...). */
export function internalConnection(connection: WsConnection): Connection {
  if (connection instanceof Connection) return connection;
  throw new TypeError(
    'Not a connection of nestjs-secure-ws: pass the one connectionOf(client) gives.',
  );
}

/** The public face of `connectionOf`: the connection of a client socket, as handlers see it. */
export const wsConnectionOf: (client: unknown) => WsConnection | undefined = connectionOf;

function takesAdmissionFrames(plugin: SecureWsPlugin): boolean {
  return plugin.onAdmissionFrame !== undefined;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

/**
 * One client connection: its state, its handlers, and the one path every
 * frame takes from bytes to a reply or an error frame.
 */
export class Connection implements WsConnection {
  /** See `id`: made on first read. */
  private ownId: string | undefined;
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
  /** The TCP (or TLS) socket under the WebSocket. */
  readonly transport: Socket;
  state: ConnectionState = 'admitting';
  /** The authenticated session, once there is one. */
  session: WsSession | undefined;
  /**
   * Its place in the session registry's heap of session deadlines (its
   * notice, then its expiry; `SessionTimers`), -1 when it has none.
   */
  deadlineIndex = -1;
  /** Handlers Nest bound to this connection (servers on Nest's connection path); made on first use. */
  private ownHandlers: Map<string, BoundHandler> | undefined;
  /** Called with the client too: the gateways' shared disconnect hook needs it. One is kept as is. */
  private closeListeners: CloseListener | CloseListener[] | undefined;
  /** `performance.now()` when the last message arrived (or the connection opened). */
  lastMessageAt = performance.now();
  /** Settles when the connection's disconnect hooks have run. */
  disconnected: Promise<unknown> = NO_DISCONNECT_HOOK;

  /** Frames that wait for the open: raw, or parsed and past `beforeMessage` (see `holdWhileAdmitting`). */
  private pending: Array<[RawData, boolean] | InboundFrame> | undefined;
  /** `open` has started: the authenticator is done, frames wait for `handleConnection`. */
  private opening = false;
  private connectHooks: Promise<unknown>[] | undefined;
  private inflight = 0;
  private onIdle: (() => void) | undefined;
  private badFrames = 0;
  private badFrameWindowStart = 0;
  private clientErrorLog: ClientErrorLog | undefined;
  private cachedLogger: Logger | undefined;
  private upgradeRequest: IncomingMessage | undefined;
  /** Until a gateway that authenticates binds a session, the `preAuth` budgets apply. */
  private preAuth: boolean;
  private framesAfterClose = 0;
  private sentCloseCode: number | undefined;
  /** The transport's `bytesRead` when the last ping went out; -1 before the first. */
  private readAtPing = -1;
  /** Arrival order of frames and the in-flight bound (see `DispatchQueue`). */
  private order: DispatchQueue<BoundHandler, InboundFrame> | undefined;
  /** Frames of `immediate` handlers in flight: they bypass `order`. */
  private bypassing: Set<InboundFrame> | undefined;
  /** Stops reading a client whose send buffer is over the high-water mark (made on first need). */
  private backpressure: ReadBackpressure | undefined;
  /** The loop turn of the last frame written (see `send`). */
  private lastWriteTurn = -1;

  constructor(
    readonly socket: WebSocket,
    request: IncomingMessage,
    readonly server: GatewayServer,
    private readonly runtime: ConnectionRuntime,
  ) {
    this.upgradeRequest = request;
    this.remoteAddress = request.socket.remoteAddress;
    this.remotePort = request.socket.remotePort;
    this.transport = request.socket;
    this.preAuth = runtime.options.auth !== undefined && server.auth;
    if (this.preAuth) {
      setReceiverLimits(socket, { ...runtime.options.preAuth, allowSynchronousEvents: false });
    }
    (socket as unknown as { [CONNECTION]: Connection })[CONNECTION] = this;
  }

  /**
   * The upgrade request, while the connection is being admitted. It is let
   * go once the gateways' `handleConnection` hooks have it (it is the larger
   * part of an idle connection's memory); read what you need there.
   */
  get request(): IncomingMessage {
    if (!this.upgradeRequest) {
      throw new Error(
        'Connection.request is released once the connection opens; read it in handleConnection.',
      );
    }
    return this.upgradeRequest;
  }

  /**
   * The connection's id (a random UUID), made on first read: an idle
   * connection nobody logs about or names holds no id (~56 B and a UUID less
   * per connect).
   */
  get id(): string {
    this.ownId ??= flatId();
    return this.ownId;
  }

  /** Logs at debug, without making the child logger when debug is off. */
  debug(bindingsOrMessage: object | string, message?: string): void {
    if (!this.runtime.logger.isLevelEnabled('debug')) return;
    if (typeof bindingsOrMessage === 'string') this.logger.debug(bindingsOrMessage);
    else this.logger.debug(bindingsOrMessage, message);
  }

  /** This connection's child logger: connection id, address, user once known. */
  get logger(): Logger {
    this.cachedLogger ??= this.runtime.logger.child({
      connId: this.id,
      remote: this.remoteAddress,
      path: this.server.path,
      userId: this.session?.userId,
    });
    return this.cachedLogger;
  }

  /** Binds an authenticated session; later log lines carry its user id. */
  setSession(session: WsSession): void {
    this.session = session;
    this.cachedLogger = undefined;
    if (this.preAuth) {
      this.preAuth = false;
      setReceiverLimits(this.socket, serverReceiverLimits(this.server.wss));
    }
  }

  /**
   * The heartbeat's beat: pings and returns `true` when the peer sent
   * something since the last ping (its pong, or any frame), returns `false`
   * (and does nothing) when it sent nothing. Counting the transport's bytes
   * needs no `pong` listener: one key more in ws's listener table (a
   * dictionary) was 96 B per connection.
   */
  ping(): boolean {
    const read = this.transport.bytesRead;
    if (read === this.readAtPing) return false;
    this.readAtPing = read;
    this.socket.ping();
    return true;
  }

  get handlers(): Map<string, BoundHandler> {
    this.ownHandlers ??= new Map();
    return this.ownHandlers;
  }

  handles(event: string): boolean {
    return (
      this.server.table?.handlers.has(event) === true ||
      this.ownHandlers?.has(event) === true ||
      this.runtime.pluginEvents.lookup(this.server, event) !== undefined
    );
  }

  onClose(listener: (code: number, client: WebSocket) => void): void {
    if (this.state === 'closed') {
      listener(this.sentCloseCode ?? 1006, this.socket);
    } else {
      // Most connections have one listener (the session registry's): no array for it.
      const listeners = this.closeListeners;
      if (listeners === undefined) this.closeListeners = listener;
      else if (typeof listeners === 'function') this.closeListeners = [listeners, listener];
      else listeners.push(listener);
    }
  }

  get inflightCount(): number {
    return this.inflight;
  }

  /** Records the promise of a `handleConnection` hook; frames wait for it. */
  trackConnectHook(result: Promise<unknown>): void {
    this.connectHooks ??= [];
    this.connectHooks.push(result);
  }

  /** Records the promise of a `handleDisconnect` hook; shutdown waits for it. */
  trackDisconnectHook(result: Promise<unknown>): void {
    this.disconnected = result.catch((error: unknown) =>
      this.logUnexpected(error, 'handleDisconnect failed'),
    );
  }

  /**
   * Runs the gateways' connection callbacks (Nest calls `handleConnection`
   * and binds handlers there), waits for async hooks, then opens the
   * connection and handles the frames that arrived meanwhile, in order.
   * Without async hooks it opens at once and returns one shared settled
   * promise (an async function's promise and frame were garbage made on
   * every connect); what throws meanwhile is returned rejected, as before.
   */
  open(): Promise<void> {
    if (this.state !== 'admitting') return OPENED;
    try {
      return this.openNow();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private openNow(): Promise<void> {
    this.opening = true;
    const request = this.request;
    this.upgradeRequest = undefined;
    const table = this.server.table;
    try {
      if (table) {
        // The module's connection path (lifecycle/gateway-tables.ts): Nest's per-client binding skipped.
        const connects = table.connects;
        for (let i = 0; i < connects.length; i++) connects[i]?.(this.socket, request);
        if (table.disconnect) this.onClose(table.disconnect);
      } else {
        const callbacks = this.server.connectCallbacks;
        for (let i = 0; i < callbacks.length; i++) callbacks[i]?.(this.socket, request);
      }
    } catch (error) {
      this.connectHookFailed(error);
      return OPENED;
    }
    if (this.connectHooks) return this.openAfterConnectHooks(this.connectHooks);
    this.opened();
    return OPENED;
  }

  private async openAfterConnectHooks(hooks: Promise<unknown>[]): Promise<void> {
    this.connectHooks = undefined;
    try {
      await Promise.all(hooks);
    } catch (error) {
      this.connectHookFailed(error);
      return;
    }
    this.opened();
  }

  /** `handleConnection` is done: frames are dispatched, those that waited first, in order. */
  private opened(): void {
    if (this.state !== 'admitting') return;
    this.state = 'open';
    const plugins = pluginHooksOf(this.runtime).onOpen;
    for (let i = 0; i < plugins.length; i++) plugins[i]?.onOpen?.(this);
    const pending = this.pending;
    if (pending === undefined) return;
    this.pending = undefined;
    for (const held of pending) {
      if (this.state !== 'open') break;
      if (Array.isArray(held)) this.dispatch(held[0], held[1]);
      else {
        const around = pluginHooksOf(this.runtime).aroundMessage;
        handleInMessageScope(around, this, held, undefined, () => this.run(held));
      }
    }
  }

  private connectHookFailed(error: unknown): void {
    const ref = this.logUnexpected(error, 'handleConnection failed');
    this.closeWith({
      ...replyOf(WsErrorCode.INTERNAL, { details: { ref } }),
      closeCode: WsCloseCode.INTERNAL_ERROR,
    });
  }

  /** Every frame the socket receives comes here first. */
  onFrame(data: RawData, isBinary: boolean): void {
    // Once the server has started closing (4429, 1008, 1013...), later frames run nothing,
    // and a peer that keeps sending instead of closing is no longer read (it costs no more
    // CPU, and still gets the close frame, which a cut now could lose to a TCP reset).
    if (this.socket.readyState !== WebSocket.OPEN) {
      this.framesAfterClose += 1;
      if (this.framesAfterClose === FRAMES_AFTER_CLOSE) this.transport.pause();
      return;
    }
    this.lastMessageAt = performance.now();
    switch (this.state) {
      case 'open':
        this.dispatch(data, isBinary);
        return;
      case 'admitting':
        this.holdWhileAdmitting(data, isBinary);
        return;
      case 'draining':
        this.refuseWhileDraining(data, isBinary);
        return;
      default:
        return;
    }
  }

  /**
   * Until the authenticator opens the connection, a plugin with
   * `onAdmissionFrame` may take its frames (first-message auth); the rest
   * wait for the open, as do frames sent while `handleConnection` runs.
   */
  private holdWhileAdmitting(data: RawData, isBinary: boolean): void {
    const takers = this.opening ? undefined : pluginHooksOf(this.runtime).onAdmissionFrame;
    if (takers?.some(takesAdmissionFrames)) {
      const frame = this.parse(data, isBinary);
      if (!frame || this.refusedByPlugins(frame)) return;
      for (const plugin of takers) {
        if (plugin.onAdmissionFrame?.(this, frame) === true) return;
      }
      this.hold(frame);
      return;
    }
    this.hold([data, isBinary]);
  }

  private hold(frame: [RawData, boolean] | InboundFrame): void {
    this.pending ??= [];
    if (this.pending.length >= this.runtime.options.maxPendingFrames) {
      this.refuse(replyOf(WsErrorCode.RATE_LIMITED, { retryAfterMs: 100 }));
      return;
    }
    this.pending.push(frame);
  }

  /** Runs the plugins' `beforeMessage`; a refusal answers the frame. */
  private refusedByPlugins(frame: InboundFrame): boolean {
    for (const plugin of pluginHooksOf(this.runtime).beforeMessage) {
      const refusal = plugin.beforeMessage?.(this, frame);
      if (refusal) {
        this.fail(refusal, frame.event, frame.id);
        return true;
      }
    }
    return false;
  }

  private refuseWhileDraining(data: RawData, isBinary: boolean): void {
    const frame = this.parse(data, isBinary);
    if (!frame) return;
    // Answered, not closed: the close follows once in-flight handlers are done.
    this.fail(
      { ...replyOf(WsErrorCode.SHUTTING_DOWN), closeCode: undefined },
      frame.event,
      frame.id,
    );
  }

  /** Parses a frame of a JSON gateway, answering a bad one; `undefined` when it was bad. */
  private parse(data: RawData, isBinary: boolean): InboundFrame | undefined {
    if (isBinary) {
      this.badFrame(replyOf(WsErrorCode.UNSUPPORTED_FRAME));
      return undefined;
    }
    if (this.server.format === 'text') {
      return { event: TEXT_EVENT, data: data.toString(), id: undefined };
    }
    const parsed = parseFrame(data.toString(), this.runtime.frameLimits);
    if (!parsed.ok) {
      this.badFrame(parsed.error, parsed.event, parsed.id);
      return undefined;
    }
    return parsed.frame;
  }

  private dispatch(data: RawData, isBinary: boolean): void {
    const frame = this.parse(data, isBinary);
    if (!frame) return;
    const around = pluginHooksOf(this.runtime).aroundMessage;
    handleInMessageScope(around, this, frame, data, () => this.route(frame));
  }

  private route(frame: InboundFrame): void {
    if (!this.refusedByPlugins(frame)) this.run(frame);
  }

  /** Runs the frame's handler (the gateway's, else a plugin's event), in its dispatch mode. */
  private run(frame: InboundFrame): void {
    // The server's shared table (lifecycle/gateway-tables.ts), or what Nest bound to this connection.
    const shared = this.server.table?.handlers.get(frame.event);
    const own = shared ? shared(this.socket) : this.ownHandlers?.get(frame.event);
    const event = own ? undefined : this.runtime.pluginEvents.lookup(this.server, frame.event);
    const handler: BoundHandler | undefined =
      own ?? (event && ((data, inbound) => event(this, data, inbound)));
    if (!handler) {
      this.refuse(replyOf(WsErrorCode.UNKNOWN_EVENT), frame.event, frame.id);
      return;
    }
    let run = handler;
    for (const plugin of pluginHooksOf(this.runtime).wrapHandler) {
      if (plugin.wrapHandler) run = plugin.wrapHandler(this, frame, run);
    }
    // A plugin's event is answered at once, never queued behind the gateway's handlers.
    const mode = own ? dispatchModeOf(shared ?? own) : 'immediate';
    this.order ??= new DispatchQueue(this.runtime.options.maxInflightPerConnection, (next, frame) =>
      this.invoke(next, frame),
    );
    if (mode === 'immediate') {
      this.bypassing ??= new Set();
      this.bypassing.add(frame);
      this.order.startImmediate();
      this.invoke(run, frame);
    } else if (this.order.tryStart(mode === 'concurrent')) {
      this.invoke(run, frame);
    } else {
      // It starts later, from another frame's settle: in its own message's context, not that one's.
      this.order.hold(laterInThisMessage(run), frame, mode === 'concurrent');
    }
    // TCP backpressure: stop reading until a handler settles.
    if (this.order.full) this.socket.pause();
  }

  private invoke(handler: BoundHandler, frame: InboundFrame): void {
    this.inflight += 1;
    const started = performance.now();
    let result: unknown;
    try {
      result = handler(frame.data, frame);
    } catch (error) {
      this.settle(frame, started, error);
      return;
    }
    if (isPromiseLike(result)) {
      result.then(
        (value) => this.settle(frame, started, undefined, value),
        (error: unknown) => this.settle(frame, started, error ?? new Error('Handler rejected')),
      );
    } else {
      this.settle(frame, started, undefined, result);
    }
  }

  /** A handler finished: reply or report, then count it out. */
  private settle(frame: InboundFrame, started: number, error: unknown, value?: unknown): void {
    if (error !== undefined) {
      this.finish(frame, started, this.failWith(error, frame));
    } else if (isObservable(value)) {
      value.subscribe({
        next: (item) => this.reply(item, frame),
        error: (streamError: unknown) =>
          this.finish(frame, started, this.failWith(streamError, frame)),
        complete: () => this.finish(frame, started, 'ok'),
      });
    } else {
      this.reply(value, frame);
      this.finish(frame, started, 'ok');
    }
  }

  private finish(frame: InboundFrame, started: number, outcome: string): void {
    this.inflight -= 1;
    const after = pluginHooksOf(this.runtime).afterMessage;
    if (after.length > 0) {
      const durationMs = performance.now() - started;
      for (const plugin of after) plugin.afterMessage?.(this, frame.event, outcome, durationMs);
    }
    this.releaseOrder(this.bypassing?.delete(frame) === true);
    if (this.inflight === 0) this.onIdle?.();
  }

  /** A frame settled: start what waited for it, read again when below the bound. */
  private releaseOrder(immediate: boolean): void {
    const order = this.order as DispatchQueue<BoundHandler, InboundFrame>;
    order.done(immediate);
    if (order.waiting) {
      if (this.state === 'closed') order.clear();
      else order.pump();
    }
    if (this.socket.isPaused && !order.full && !this.backpressure?.holding) this.socket.resume();
  }

  private reply(value: unknown, frame: InboundFrame): void {
    if (value === undefined) return;
    if (this.server.format === 'text' && typeof value === 'string') {
      this.send(value);
    } else if (isOutboundMessage(value)) {
      this.send(messageFrame(value.event, value.data, frame.id));
    } else {
      this.send(messageFrame(frame.event, value, frame.id));
    }
  }

  /** Pushes `{ event, data }` to this client. */
  push(event: string, data: unknown): boolean {
    return this.send(messageFrame(event, data));
  }

  /**
   * Sends one text frame, unless the client stopped reading: past the
   * buffer limit it is told SLOW_CONSUMER and closed 1013. The frame is
   * written to the socket as the module frames it (`textFrame`; a frame
   * that goes to many connections comes encoded once): the module's server
   * has no compression, so ws would only have framed it the same way.
   * While ws holds a message back (a `Blob` a handler gave ws's own `send`,
   * which ws reads first), the frame goes through ws's `send`, after it.
   */
  send(payload: string | EncodedFrame): boolean {
    const limit = this.sendLimit();
    if (limit === undefined) return false;
    this.batchWrites(limit);
    if (this.socket.bufferedAmount > this.transport.writableLength) {
      this.socket.send(typeof payload === 'string' ? payload : payload.text);
    } else {
      this.transport.write(typeof payload === 'string' ? textFrame(payload) : payload.bytes);
    }
    this.sent(limit);
    return true;
  }

  /**
   * The second frame written to this connection in one loop turn corks its
   * socket until the turn's end: the frames that one read brings to a
   * member (a Redis reply with many room messages, a client's batch of
   * `room.send`) then leave in two system calls, not one each. The first
   * frame of a turn leaves at once, so a broadcast (one frame per member)
   * corks nothing. What a socket holds stays under an eighth of the
   * client's send-buffer `limit` (and `MAX_HELD_BYTES`), well under the
   * read-backpressure mark: a burst to a healthy client leaves in pieces.
   */
  private batchWrites(limit: number): void {
    const turn = loopTurn();
    if (this.lastWriteTurn === turn) {
      corkUntilLoopTurn(this.transport, Math.min(MAX_HELD_BYTES, limit / 8));
    } else {
      this.lastWriteTurn = turn;
    }
  }

  /**
   * Answers a ping with a pong carrying its payload, held to the same
   * buffer limit and read backpressure as `send`: a peer that pings without
   * reading its pongs stops being read, then is closed 1013.
   */
  pong(data: Buffer): void {
    const limit = this.sendLimit();
    if (limit === undefined) return;
    this.socket.pong(data);
    this.sent(limit);
  }

  /**
   * The client's send-buffer limit, or `undefined` when nothing may be sent:
   * not open, or past the limit (then it is told SLOW_CONSUMER and closed 1013).
   */
  private sendLimit(): number | undefined {
    const socket = this.socket;
    if (socket.readyState !== WebSocket.OPEN) return undefined;
    const { preAuth, maxBufferedBytes } = this.runtime.options;
    const limit = this.preAuth ? preAuth.maxBufferedBytes : maxBufferedBytes;
    if (socket.bufferedAmount > limit) {
      this.fail(replyOf(WsErrorCode.SLOW_CONSUMER));
      return undefined;
    }
    return limit;
  }

  /** After a write: past the high-water mark of `limit`, reading stops (see `ReadBackpressure`). */
  private sent(limit: number): void {
    if (overHighWater(this.socket.bufferedAmount, limit)) this.readBackpressure().check(limit);
  }

  private readBackpressure(): ReadBackpressure {
    this.backpressure ??= new ReadBackpressure(
      this.socket,
      this.transport,
      this.runtime.options.slowConsumerTimeoutMs,
      () => this.socket.readyState === WebSocket.OPEN && !this.order?.full,
      () => this.fail(replyOf(WsErrorCode.SLOW_CONSUMER)),
    );
    return this.backpressure;
  }

  /** Maps a thrown value through the funnel, answers it, and returns its code. */
  private failWith(error: unknown, frame: InboundFrame): string {
    const reply = mapError(error);
    if (reply.unexpected) {
      const ref = this.logUnexpected(error, 'Handler failed', frame);
      this.fail({ ...reply, details: { ref } }, frame.event, frame.id);
    } else {
      this.fail(reply, frame.event, frame.id);
    }
    return reply.code;
  }

  private logUnexpected(error: unknown, message: string, frame?: InboundFrame): string {
    const ref = randomUUID();
    this.logger.error({ err: error, ref, event: frame?.event, requestId: frame?.id }, message);
    return ref;
  }

  /**
   * The funnel's last step: one error frame to the client, closing the
   * connection when the code says so.
   */
  fail(reply: WsErrorReply, event?: string, id?: string | number): void {
    if (!reply.unexpected && this.runtime.logger.isLevelEnabled('debug')) {
      this.clientErrorLog ??= new ClientErrorLog(this.runtime.options.maxClientErrorLogsPerMinute);
      this.clientErrorLog.write(this.logger, reply.code, event);
    }
    if (reply.closeCode !== undefined) {
      this.closeWith(reply, event, id);
    } else if (this.send(errorFrame(reply, event, id))) {
      this.errorFrameSent(reply.code);
    }
  }

  /**
   * Answers a frame that reaches no handler. It still draws from the
   * connection's budgets: a plugin (the rate limiter) may answer it instead,
   * and close the connection when the abuse persists.
   */
  refuse(reply: WsErrorReply, event?: string, id?: string | number): void {
    for (const plugin of pluginHooksOf(this.runtime).onRefusedFrame) {
      const refusal = plugin.onRefusedFrame?.(this);
      if (refusal) {
        this.fail(reply.closeCode === undefined ? refusal : reply, event, id);
        return;
      }
    }
    this.fail(reply, event, id);
  }

  /** Every error frame that left, whatever path sent it, reaches the plugins once. */
  private errorFrameSent(code: string): void {
    for (const plugin of pluginHooksOf(this.runtime).onErrorFrame)
      plugin.onErrorFrame?.(this, code);
  }

  /**
   * Records the close code this side sent (an error's close, or `ws`'s own
   * on a protocol error such as 1009 for an oversize frame): the close is
   * reported with it, not with the 1006 a peer that never answers leaves.
   */
  closeSent(code: number): void {
    this.sentCloseCode ??= code;
  }

  private badFrame(reply: WsErrorReply, event?: string, id?: string | number): void {
    const { maxBadFrames, badFrameWindowMs } = this.runtime.options;
    const now = Date.now();
    if (now - this.badFrameWindowStart > badFrameWindowMs) {
      this.badFrameWindowStart = now;
      this.badFrames = 0;
    }
    this.badFrames += 1;
    this.refuse(
      this.badFrames > maxBadFrames ? { ...reply, closeCode: WsCloseCode.POLICY_VIOLATION } : reply,
      event,
      id,
    );
  }

  /**
   * Sends the error frame, then closes with its close code and the error
   * code as the reason. A peer that does not finish the close handshake
   * soon is cut.
   */
  closeWith(reply: WsErrorReply, event?: string, id?: string | number): void {
    const socket = this.socket;
    if (socket.readyState !== WebSocket.OPEN) return;
    socket.send(errorFrame(reply, event, id));
    this.errorFrameSent(reply.code);
    const closeCode = reply.closeCode ?? WsCloseCode.NORMAL;
    this.closeSent(closeCode);
    socket.close(closeCode, reply.code);
    setTimeout(() => this.cut(), FORCE_CLOSE_AFTER_MS).unref();
  }

  /** Ends the connection now, without a close handshake, whatever is queued (see `cutSocket`). */
  cut(): void {
    cutSocket(this.socket, this.transport);
  }

  /**
   * Stops taking new work; once the in-flight handlers are done, says
   * SHUTTING_DOWN and closes 1001.
   */
  drain(): void {
    if (this.state === 'closed') return;
    this.state = 'draining';
    const closeNow = () => this.closeWith(replyOf(WsErrorCode.SHUTTING_DOWN));
    if (this.inflight === 0) closeNow();
    else this.onIdle = closeNow;
  }

  /** Called once when the socket has closed. */
  onClosed(code: number): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.backpressure?.release();
    this.pending = undefined;
    this.upgradeRequest = undefined;
    const closeCode = this.sentCloseCode ?? code;
    // Each plugin's hook on its own, as each close listener below: one that throws is
    // logged, and the others (the handshake guard frees its slot here) still run.
    const plugins = pluginHooksOf(this.runtime).onClose;
    for (let i = 0; i < plugins.length; i++) {
      try {
        plugins[i]?.onClose?.(this, closeCode);
      } catch (error) {
        this.logUnexpected(error, 'Plugin onClose failed');
      }
    }
    // The module's services, and Nest's disconnect callbacks (only for
    // connections whose handleConnection ran), in the order they asked.
    const listeners = this.closeListeners;
    this.closeListeners = undefined;
    if (typeof listeners === 'function') this.callCloseListener(listeners, closeCode);
    else if (listeners !== undefined) {
      for (let i = 0; i < listeners.length; i++)
        this.callCloseListener(listeners[i] as CloseListener, closeCode);
    }
  }

  private callCloseListener(listener: CloseListener, closeCode: number): void {
    try {
      listener(closeCode, this.socket);
    } catch (error) {
      this.logUnexpected(error, 'Close listener failed');
    }
  }
}
