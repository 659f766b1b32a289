import { type IncomingMessage } from 'node:http';
import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayConnection,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { type WebSocket } from 'ws';
import { connectionOf } from '../../../src/connection/connection.js';
import { RateLimit } from '../../../src/protection/rate-limit.decorator.js';

/**
 * A gateway for the protection tests. A client that connects with
 * `?user=<id>` gets a session for that user, as an authenticator would.
 */
@WebSocketGateway({ path: '/guarded' })
export class GuardedGateway implements OnGatewayConnection {
  handleConnection(client: WebSocket, request: IncomingMessage): void {
    const user = new URL(request.url ?? '/', 'http://localhost').searchParams.get('user');
    if (user) {
      connectionOf(client)?.setSession({
        userId: user,
        claims: { sub: user },
        expiresAt: undefined,
        tokenId: undefined,
      });
    }
  }

  @SubscribeMessage('echo')
  echo(@MessageBody() data: unknown): unknown {
    return data;
  }

  @RateLimit({ points: 2, durationMs: 60_000 })
  @SubscribeMessage('scarce')
  scarce(): string {
    return 'granted';
  }

  @RateLimit(false)
  @SubscribeMessage('free')
  free(@ConnectedSocket() _client: WebSocket): string {
    return 'free';
  }

  @SubscribeMessage('slow')
  slow(@MessageBody() ms: number): Promise<string> {
    return new Promise((resolve) => setTimeout(() => resolve('done'), ms));
  }

  @SubscribeMessage('fail')
  fail(): never {
    throw new Error('boom');
  }
}
