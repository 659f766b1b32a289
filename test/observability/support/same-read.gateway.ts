import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { type WebSocket } from 'ws';
import { connectionOf } from '../../../src/index.js';

const log = (client: WebSocket, message: string) => connectionOf(client)?.logger.info(message);

/**
 * Handlers whose log lines are written after the next frame of the same TCP
 * read was taken in: an async handler's line after its await, and a
 * synchronous handler's fire-and-forget continuations.
 */
@WebSocketGateway({ path: '/same-read' })
export class SameReadGateway {
  @SubscribeMessage('awaits')
  async awaits(@ConnectedSocket() client: WebSocket, @MessageBody() ms: number): Promise<string> {
    log(client, 'awaits: before await');
    await new Promise((resolve) => setTimeout(resolve, ms));
    log(client, 'awaits: after await');
    return 'awaited';
  }

  @SubscribeMessage('spawns')
  spawns(@ConnectedSocket() client: WebSocket): string {
    void Promise.resolve().then(() => log(client, 'spawns: microtask'));
    setTimeout(() => log(client, 'spawns: timer'), 10);
    return 'spawned';
  }

  @SubscribeMessage('mark')
  mark(@ConnectedSocket() client: WebSocket): string {
    log(client, 'mark');
    return 'marked';
  }
}
