import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { type BusSubscription, WsBus } from '../bus/ws-bus.interface.js';
import { ConnectionRegistry } from '../connection/connection-registry.js';
import { EncodedFrame } from '../frames/encoded-frame.js';
import { messageFrame } from '../frames/frame-writer.js';
import { normalizeGatewayPath } from '../util/gateway-path.js';

/** The bus topic of gateway-wide messages. */
export const BROADCAST_TOPIC = 'broadcast';

interface BroadcastMessage {
  /** A gateway path, or `undefined` for every gateway. */
  readonly path: string | undefined;
  readonly frame: string;
}

/**
 * Messages to every open connection of a gateway, on every node. The server
 * that `@WebSocketServer()` gives a gateway tracks no clients (the module
 * does), so Nest's usual `server.clients.forEach(...)` has nothing to walk:
 * inject this instead. Connections still authenticating get nothing.
 */
@Injectable()
export class WsBroadcast implements OnModuleInit, OnModuleDestroy {
  private subscription: BusSubscription | undefined;

  constructor(
    @Inject(WsBus) private readonly bus: WsBus,
    private readonly registry: ConnectionRegistry,
  ) {}

  onModuleInit(): void {
    this.subscription = this.bus.subscribe(BROADCAST_TOPIC, (message) => this.received(message));
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  /** Sends `{ event, data }` to every open connection of the gateway at `path`, on every node. */
  toGateway(path: string, event: string, data: unknown): void {
    this.publish({ path: normalizeGatewayPath(path), frame: messageFrame(event, data) });
  }

  /** Sends `{ event, data }` to every open connection of every gateway, on every node. */
  toAll(event: string, data: unknown): void {
    this.publish({ path: undefined, frame: messageFrame(event, data) });
  }

  private publish(message: BroadcastMessage): void {
    this.bus.publish(BROADCAST_TOPIC, JSON.stringify(message));
  }

  private received(raw: string): void {
    const { path, frame } = JSON.parse(raw) as BroadcastMessage;
    const encoded = new EncodedFrame(frame);
    for (const connection of this.registry.all()) {
      if (connection.state !== 'open') continue;
      if (path === undefined || connection.server.path === path) connection.send(encoded);
    }
  }
}
