import { Inject, Injectable } from '@nestjs/common';
import { ApplicationConfig, MetadataScanner, ModulesContainer } from '@nestjs/core';
import { type WebSocket } from 'ws';
import { ConcurrentHandlers } from '../connection/concurrent-handlers.js';
import { withDispatchMode } from '../connection/dispatch-mode.js';
import { type GatewayHandlerFactory, type GatewayTable } from '../connection/gateway-table.js';
import { type GatewayClass, gatewayClasses } from '../nest/gateway-classes.js';
import {
  GATEWAY_OPTIONS,
  MESSAGE_MAPPING_METADATA,
  MESSAGE_METADATA,
  PORT_METADATA,
} from '../nest/internals.js';
import { type WsHandlerContext, wsHandlerContexts } from '../nest/ws-handler-contexts.js';
import { normalizeGatewayPath } from '../util/gateway-path.js';
import { DirectHandlers } from './direct-handlers.js';

/** A server as the table is asked for: its path and port, and how many gateways Nest bound to it. */
export interface TableRequest {
  readonly path: string;
  readonly port: number;
  readonly boundGateways: number;
}

type Hook = (...args: unknown[]) => unknown;

/** The gateway's method `name` bound to it, as Nest binds `handleConnection` / `handleDisconnect`. */
function hookOf(instance: object, name: string): Hook | undefined {
  const method = (instance as Record<string, unknown>)[name];
  return typeof method === 'function' ? (method as Hook).bind(instance) : undefined;
}

function contextFactory(context: WsHandlerContext): GatewayHandlerFactory {
  return (client) => (data, frame) => context(client, data, frame);
}

/**
 * The connection path of each server, made once: which gateway handles each
 * event and which hooks run at connect and disconnect, so that a connection
 * does not go through Nest's per-client machinery (its connection Subject,
 * one bound function per handler per client, a disconnect closure and
 * Subject). Handlers with no enhancer of their own are the `DirectHandlers`;
 * the others keep Nest's per-message context (guards, pipes, interceptors,
 * filters), made by Nest's own classes once per handler instead of bound
 * per client.
 *
 * A server keeps Nest's connection path when one of its gateways needs it:
 * a gateway that is not a static singleton (request-scoped or durable
 * providers: Nest makes an instance per client), two gateways on the server
 * answering the same event (which one wins is Nest's order), or a server
 * whose gateways do not match what Nest bound to it (namespaces, paths
 * that differ only by their slashes).
 */
@Injectable()
export class GatewayTables {
  private contexts: ReturnType<typeof wsHandlerContexts> | undefined;

  constructor(
    private readonly modules: ModulesContainer,
    @Inject(ApplicationConfig) private readonly config: ApplicationConfig,
    private readonly directHandlers: DirectHandlers,
    private readonly concurrentHandlers: ConcurrentHandlers,
  ) {}

  /** The table of a server, or `undefined` when its connections keep Nest's path. */
  tableFor(server: TableRequest): GatewayTable | undefined {
    const gateways = gatewayClasses(this.modules).filter((entry) => this.serves(entry, server));
    if (gateways.length === 0 || gateways.length !== server.boundGateways) return undefined;
    const handlers = new Map<string, GatewayHandlerFactory>();
    const connects: Hook[] = [];
    const disconnects: Hook[] = [];
    for (const { gateway, module } of gateways) {
      const wrapper = module.providers.get(gateway);
      const instance = wrapper?.instance as object | undefined;
      if (!wrapper?.isDependencyTreeStatic() || !instance) return undefined;
      if (!this.addHandlers(instance, module.token, server, handlers)) return undefined;
      const connect = hookOf(instance, 'handleConnection');
      const disconnect = hookOf(instance, 'handleDisconnect');
      if (connect) connects.push(connect);
      if (disconnect) disconnects.push(disconnect);
    }
    return {
      handlers,
      connects,
      disconnect:
        disconnects.length === 0
          ? undefined
          : (code: number, client: WebSocket) => {
              for (const disconnect of disconnects) disconnect(client, code);
            },
    };
  }

  private serves({ gateway }: GatewayClass, server: TableRequest): boolean {
    const options = (Reflect.getMetadata(GATEWAY_OPTIONS, gateway) ?? {}) as {
      path?: string;
      namespace?: unknown;
    };
    const port = (Reflect.getMetadata(PORT_METADATA, gateway) as number | undefined) ?? 0;
    return (
      port === server.port &&
      normalizeGatewayPath(options.path) === server.path &&
      options.namespace === undefined
    );
  }

  /** Adds the gateway's handlers; false when an event is already taken. */
  private addHandlers(
    instance: object,
    moduleKey: string,
    server: TableRequest,
    handlers: Map<string, GatewayHandlerFactory>,
  ): boolean {
    const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
    for (const name of new MetadataScanner().getAllMethodNames(prototype)) {
      const method = prototype[name];
      if (typeof method !== 'function' || !Reflect.getMetadata(MESSAGE_MAPPING_METADATA, method)) {
        continue;
      }
      const message: unknown = Reflect.getMetadata(MESSAGE_METADATA, method);
      if (typeof message !== 'string') continue;
      if (handlers.has(message)) return false;
      const direct =
        server.port === 0 ? this.directHandlers.lookup(server.path, message) : undefined;
      this.contexts ??= wsHandlerContexts(this.modules, this.config);
      const factory = direct ?? contextFactory(this.contexts(instance, name, moduleKey));
      handlers.set(
        message,
        this.concurrentHandlers.has(server.path, message)
          ? withDispatchMode(factory, 'concurrent')
          : factory,
      );
    }
    return true;
  }
}
