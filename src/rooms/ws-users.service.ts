import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { type BusSubscription, WsBus } from '../bus/ws-bus.interface.js';
import { ConnectionRegistry } from '../connection/connection-registry.js';
import { WsErrorCode } from '../errors/error-codes.js';
import { replyOf } from '../errors/error-mapper.js';
import { messageFrame } from '../frames/frame-writer.js';
import { tracedUserFrame } from '../tracing/room-tracing.js';
import { WsTracing } from '../tracing/ws-tracing.js';
import { USERS_TOPIC, type UserMessage } from './users-topic.js';

export { USERS_TOPIC } from './users-topic.js';

/**
 * Messages to a user: every connection of that user, on every node.
 * Each node finds the user's local connections by their session.
 */
@Injectable()
export class WsUsers implements OnModuleInit, OnModuleDestroy {
  private subscription: BusSubscription | undefined;

  constructor(
    @Inject(WsBus) private readonly bus: WsBus,
    private readonly registry: ConnectionRegistry,
    @Inject(WsTracing) private readonly tracing: WsTracing,
  ) {}

  onModuleInit(): void {
    this.subscription = this.bus.subscribe(USERS_TOPIC, (message) => this.received(message));
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  /** Sends `{ event, data }` to every connection of the user, on every node. */
  sendToUser(userId: string, event: string, data: unknown): void {
    this.publish({ userId, frame: tracedUserFrame(this.tracing, messageFrame(event, data)) });
  }

  /**
   * Closes every connection of the user, on every node, with the error
   * frame of `code` and its close code (`SESSION_REVOKED`: 4403).
   */
  disconnectUser(userId: string, code: WsErrorCode = WsErrorCode.SESSION_REVOKED): void {
    this.publish({ userId, close: code });
  }

  private publish(message: UserMessage): void {
    this.bus.publish(USERS_TOPIC, JSON.stringify(message));
  }

  private received(raw: string): void {
    const message = JSON.parse(raw) as UserMessage;
    for (const connection of this.registry.all()) {
      if (connection.session?.userId !== message.userId) continue;
      if ('frame' in message) connection.send(message.frame);
      else connection.fail(replyOf(message.close as WsErrorCode));
    }
  }
}
