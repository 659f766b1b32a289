import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { type AddressInfo } from 'node:net';
import { type Duplex } from 'node:stream';
import { Inject, Injectable, type WsMessageHandler } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AbstractWsAdapter } from '@nestjs/websockets';
import { type Logger } from 'pino';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { ConcurrentHandlers } from '../connection/concurrent-handlers.js';
import {
  Connection,
  type ConnectionRuntime,
  connectionOf,
  openedAtOnce,
} from '../connection/connection.js';
import { ConnectionRegistry } from '../connection/connection-registry.js';
import { deferProtocolErrors } from '../connection/deferred-protocol-error.js';
import { withDispatchMode } from '../connection/dispatch-mode.js';
import {
  type ConnectCallback,
  type GatewayServer,
  type SecureGatewayOptions,
} from '../connection/gateway-server.js';
import { corkUntilLoopTurn } from '../connection/loop-cork.js';
import {
  type HandshakeRefusal,
  SECURE_WS_PLUGINS,
  type SecureWsPlugin,
} from '../connection/plugin.interface.js';
import { PluginEvents } from '../connection/plugin-events.js';
import { pluginHooksOf } from '../connection/plugin-hooks.js';
import { answerPings } from '../connection/receiver-pings.js';
import { skipRepeatedEnds } from '../connection/repeated-ends.js';
import { WsErrorCode } from '../errors/error-codes.js';
import { DirectHandlers } from '../lifecycle/direct-handlers.js';
import { GatewayTables } from '../lifecycle/gateway-tables.js';
import { resolveRootLogger } from '../logging/root-logger.js';
import {
  type ResolvedSecureWsOptions,
  type TlsOptions,
} from '../options/secure-ws-options.interface.js';
import { SECURE_WS_OPTIONS } from '../options/secure-ws-options.token.js';
import { normalizeGatewayPath } from '../util/gateway-path.js';
import {
  CONNECTION_AUTHENTICATOR,
  type ConnectionAuthenticator,
} from './connection-authenticator.js';
import { firstHandshakeRefusal } from './handshake-checks.js';
import { refuseUpgrade } from './http-refusal.js';
import { protocolCloseCode } from './protocol-close-code.js';
import { upgradeHasBody } from './upgrade-body.js';

const LISTENER_HEADERS_TIMEOUT_MS = 10_000;
const LISTENER_REQUEST_TIMEOUT_MS = 30_000;

type UpgradeListener = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

function destroySelf(this: Duplex): void {
  this.destroy();
}

/**
 * A socket error during or after the upgrade must not crash the process. The
 * listener lives as long as the socket: one function for every socket (the
 * socket is `this`), holding nothing (a closure in `handleUpgrade` would keep
 * the request alive). Added where nothing else listens: while a check is
 * awaited and on a refusal; an upgrade that goes through synchronously is
 * handed to ws, which listens from its `handleUpgrade` on.
 */
function destroyOnError(socket: Duplex): void {
  if (!socket.listeners('error').includes(destroySelf)) socket.on('error', destroySelf);
}

const normalizePath = normalizeGatewayPath;

/*
 * A client's ws listeners, shared by every connection (ws calls them with the
 * client as `this`): no closures per connection.
 */
function onClientMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
  const connection = connectionOf(this);
  if (!connection) return;
  corkUntilLoopTurn(connection.transport);
  connection.onFrame(data, isBinary);
}

function onClientError(this: WebSocket, error: Error & { code?: string }): void {
  const connection = connectionOf(this);
  if (!connection) return;
  const closeCode = protocolCloseCode(error.code);
  if (closeCode !== undefined) connection.closeSent(closeCode);
  connection.debug({ code: error.code, reason: error.message }, 'Protocol error');
}

function admissionFailed(connection: Connection, error: unknown): void {
  connection.logger.error({ err: error }, 'Admission failed');
  connection.cut();
}

/** Opens an admitted connection (its `handleConnection` hooks run now). */
function openAdmitted(connection: Connection): void {
  const opened = connection.open();
  // Opened at once (no async `handleConnection`): no handler or promise per connection.
  if (!openedAtOnce(opened)) opened.catch((error: unknown) => admissionFailed(connection, error));
}

function pathOf(url: string | undefined): string {
  const end = url?.indexOf('?') ?? -1;
  return normalizePath(end === -1 ? url : url?.slice(0, end));
}

/**
 * The WebSocket adapter of the module. Use it with
 * `app.useWebSocketAdapter(app.get(SecureWsAdapter))`.
 */
@Injectable()
export class SecureWsAdapter extends AbstractWsAdapter {
  private readonly servers = new Map<WebSocketServer, GatewayServer>();
  /** Gateway paths served on each HTTP server. */
  private readonly routes = new Map<Server, Map<string, GatewayServer>>();
  private readonly upgradeListeners = new Map<Server, UpgradeListener>();
  /** HTTP servers this adapter created, by gateway port or listener path; it closes them. */
  private readonly ownServers = new Map<string, Server>();
  private cachedRuntime: ConnectionRuntime | undefined;
  /** Every client's `close` listener (ws emits it once): one function, the client is `this`. */
  private readonly onClientClose: (this: WebSocket, code: number) => void;

  constructor(
    @Inject(SECURE_WS_OPTIONS) private readonly options: ResolvedSecureWsOptions,
    private readonly httpAdapterHost: HttpAdapterHost,
    private readonly registry: ConnectionRegistry,
    @Inject(SECURE_WS_PLUGINS) private readonly plugins: SecureWsPlugin[],
    @Inject(CONNECTION_AUTHENTICATOR) private readonly authenticator: ConnectionAuthenticator,
    private readonly concurrentHandlers: ConcurrentHandlers,
    private readonly directHandlers: DirectHandlers,
    private readonly gatewayTables: GatewayTables,
  ) {
    super();
    const live = this.registry;
    this.onClientClose = function (this: WebSocket, code: number) {
      const connection = connectionOf(this);
      if (!connection) return;
      live.remove(connection);
      connection.onClosed(code);
    };
  }

  /** Resolved on first use, when every provider of the app exists. */
  get runtime(): ConnectionRuntime {
    this.cachedRuntime ??= {
      options: this.options,
      logger: resolveRootLogger(this.options.logger),
      plugins: this.plugins,
      pluginEvents: new PluginEvents(this.plugins),
      frameLimits: { maxDepth: this.options.maxJsonDepth, maxKeys: this.options.maxJsonKeys },
    };
    return this.cachedRuntime;
  }

  get logger(): Logger {
    return this.runtime.logger;
  }

  override create(port: number, gatewayOptions: SecureGatewayOptions = {}): WebSocketServer {
    const path = normalizePath(gatewayOptions.path);
    const wss = new WebSocketServer({
      noServer: true,
      maxPayload: this.options.maxPayload,
      perMessageDeflate: false,
      clientTracking: false,
      // Pings are answered by the connection (`answerPings`): ws's own answer makes a
      // closure per client, with which every client's objects outlived two scavenges under
      // connection churn and went to the old generation (BENCHMARKS.md, "Handshakes").
      autoPong: false,
      handleProtocols: this.authenticator.selectProtocol?.bind(this.authenticator),
    });
    wss.on('error', (error) => this.logger.error({ err: error, path }, 'WebSocket server error'));
    const server: GatewayServer = {
      path,
      format: gatewayOptions.format ?? 'json',
      auth: gatewayOptions.auth !== false,
      wss,
      connectCallbacks: [],
      port,
    };
    this.servers.set(wss, server);
    const httpServer =
      port === 0 ? this.appHttpServer() : this.ownServer(`port:${port}`, port, undefined);
    this.route(httpServer, path, server);
    for (const listener of this.options.listeners) {
      if (normalizePath(listener.path) === path) {
        const own = this.ownServer(
          `listener:${path}`,
          listener.port,
          listener.host ?? '127.0.0.1',
          listener.tls,
        );
        this.route(own, '*', server);
      }
    }
    return wss;
  }

  /** The address of the listener (see the `listeners` option) that serves the gateway at `path`. */
  async listenerAddress(path: string): Promise<AddressInfo> {
    const server = this.ownServers.get(`listener:${normalizePath(path)}`);
    if (!server) throw new Error(`SecureWsAdapter: no listener serves the path "${path}".`);
    if (!server.listening) await new Promise((resolve) => server.once('listening', resolve));
    return server.address() as AddressInfo;
  }

  private appHttpServer(): Server {
    const server = (this.httpServer ?? this.httpAdapterHost.httpAdapter?.getHttpServer()) as
      | Server
      | undefined;
    if (!server) {
      throw new Error('SecureWsAdapter: the app has no HTTP server to attach gateways to.');
    }
    return server;
  }

  private ownServer(key: string, port: number, host: string | undefined, tls?: TlsOptions): Server {
    let server = this.ownServers.get(key);
    if (!server) {
      const upgradeRequired: RequestListener = (_request, response) => {
        response.writeHead(426, { 'Content-Type': 'application/json', Connection: 'close' });
        response.end(JSON.stringify({ code: 'UPGRADE_REQUIRED' }));
      };
      server = tls
        ? (createTlsServer({ key: tls.key, cert: tls.cert }, upgradeRequired) as unknown as Server)
        : createServer(upgradeRequired);
      // Slow-header (Slowloris) clients are cut; upgraded sockets are not affected.
      server.headersTimeout = LISTENER_HEADERS_TIMEOUT_MS;
      server.requestTimeout = LISTENER_REQUEST_TIMEOUT_MS;
      server.on('error', (error) => this.logger.error({ err: error, port }, 'Listener failed'));
      server.listen(port, host);
      this.ownServers.set(key, server);
    }
    return server;
  }

  private route(httpServer: Server, path: string, server: GatewayServer): void {
    let paths = this.routes.get(httpServer);
    if (!paths) {
      paths = new Map();
      this.routes.set(httpServer, paths);
      const routes = paths;
      const listener: UpgradeListener = (request, socket, head) => {
        const target = routes.get('*') ?? routes.get(pathOf(request.url));
        if (target) {
          this.handleUpgrade(target, request, socket, head);
        } else if (httpServer.listenerCount('upgrade') === 1) {
          refuseUpgrade(socket, { status: 404, code: 'NOT_FOUND' });
        }
      };
      httpServer.on('upgrade', listener);
      this.upgradeListeners.set(httpServer, listener);
    }
    paths.set(path, server);
  }

  /**
   * Synchronous from the `upgrade` event to the admitted connection, unless
   * a plugin's `checkHandshake` or the authenticator's `admit` answers with
   * a promise: no promise and no microtask turn per upgrade otherwise.
   */
  private handleUpgrade(
    server: GatewayServer,
    request: IncomingMessage,
    socket: Duplex,
    head: Buffer,
  ): void {
    try {
      const verdict = this.registry.shuttingDown
        ? { status: 503, code: WsErrorCode.SHUTTING_DOWN }
        : upgradeHasBody(request)
          ? { status: 400, code: 'BAD_REQUEST' }
          : firstHandshakeRefusal(pluginHooksOf(this.runtime).checkHandshake, request, server);
      if (verdict instanceof Promise) {
        destroyOnError(socket);
        verdict.then(
          (refusal) => this.upgradeOrRefuse(server, request, socket, head, refusal),
          (error: unknown) => this.upgradeFailed(socket, error),
        );
      } else {
        this.upgradeOrRefuse(server, request, socket, head, verdict);
      }
    } catch (error) {
      this.upgradeFailed(socket, error);
    }
  }

  private upgradeOrRefuse(
    server: GatewayServer,
    request: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    refusal: HandshakeRefusal | undefined,
  ): void {
    try {
      if (refusal) {
        destroyOnError(socket);
        for (const plugin of pluginHooksOf(this.runtime).onHandshake)
          plugin.onHandshake?.(refusal.code, request);
        refuseUpgrade(socket, refusal);
        return;
      }
      if (socket.destroyed) return;
      server.wss.handleUpgrade(request, socket, head, (client) =>
        this.accept(server, client, request),
      );
    } catch (error) {
      this.upgradeFailed(socket, error);
    }
  }

  private upgradeFailed(socket: Duplex, error: unknown): void {
    this.logger.error({ err: error }, 'Upgrade failed');
    socket.destroy();
  }

  private accept(server: GatewayServer, client: WebSocket, request: IncomingMessage): void {
    // Every gateway is bound by now: the server's connection path is decided once.
    server.table ??=
      this.gatewayTables.tableFor({ ...server, boundGateways: server.connectCallbacks.length }) ??
      null;
    const connection = new Connection(client, request, server, this.runtime);
    deferProtocolErrors(client);
    skipRepeatedEnds(client);
    this.registry.add(connection);
    client.on('message', onClientMessage);
    client.on('error', onClientError);
    client.on('close', this.onClientClose);
    answerPings(client);
    const plugins = pluginHooksOf(this.runtime).onHandshake;
    for (let i = 0; i < plugins.length; i++) plugins[i]?.onHandshake?.('accepted', request);
    let admitted: boolean | Promise<boolean>;
    try {
      admitted = this.authenticator.admit(connection);
    } catch (error) {
      admissionFailed(connection, error);
      return;
    }
    if (admitted === true) openAdmitted(connection);
    else if (admitted !== false) {
      Promise.resolve(admitted).then(
        (yes) => (yes ? openAdmitted(connection) : undefined),
        (error: unknown) => admissionFailed(connection, error),
      );
    }
  }

  override bindClientConnect(server: WebSocketServer, callback: ConnectCallback): void {
    this.servers.get(server)?.connectCallbacks.push(callback);
  }

  override bindClientDisconnect(client: WebSocket, callback: (reason?: unknown) => void): void {
    connectionOf(client)?.onClose((code) => callback(code));
  }

  bindMessageHandlers(client: WebSocket, handlers: WsMessageHandler[]): void {
    const connection = connectionOf(client);
    if (!connection) return;
    for (const handler of handlers) {
      if (typeof handler.message === 'string') {
        // Handlers Nest's per-message context has nothing to do for are called straight.
        const direct = this.directHandlers.lookup(connection.server.path, handler.message);
        const callback = direct ? direct(client) : (handler.callback as (data: unknown) => unknown);
        connection.handlers.set(
          handler.message,
          this.concurrentHandlers.has(connection.server.path, handler.message)
            ? withDispatchMode(callback, 'concurrent')
            : callback,
        );
      }
    }
  }

  override async close(wss: WebSocketServer): Promise<void> {
    const server = this.servers.get(wss);
    if (!server) return;
    // The registry holds every connection (one set, not one more per gateway server).
    for (const connection of this.registry.all()) {
      if (connection.server === server) connection.cut();
    }
    this.servers.delete(wss);
    await new Promise((resolve) => wss.close(resolve));
  }

  override async dispose(): Promise<void> {
    // Until the server stops listening, an upgrade is told 503, not the framework's 404.
    const refuse: UpgradeListener = (_request, socket) => {
      destroyOnError(socket);
      refuseUpgrade(socket, { status: 503, code: WsErrorCode.SHUTTING_DOWN });
    };
    for (const [httpServer, listener] of this.upgradeListeners) {
      httpServer.off('upgrade', listener);
      httpServer.on('upgrade', refuse);
      httpServer.once('close', () => httpServer.off('upgrade', refuse));
    }
    this.upgradeListeners.clear();
    this.routes.clear();
    await Promise.all(
      [...this.ownServers.values()].map(
        (server) =>
          new Promise((resolve) => {
            server.closeAllConnections();
            server.close(resolve);
          }),
      ),
    );
    this.ownServers.clear();
  }
}
