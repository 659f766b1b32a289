import { type IncomingMessage } from 'node:http';
import { type OnGatewayConnection, WebSocketGateway } from '@nestjs/websockets';
import { type WebSocket } from 'ws';
import { connectionOf } from '../../src/connection/connection.js';

/**
 * Gives each connection on `/ws` the session of the user named by `?user=`,
 * standing in for authentication in tests of rooms and user delivery.
 */
@WebSocketGateway({ path: '/ws' })
export class SessionFromQueryGateway implements OnGatewayConnection {
  handleConnection(client: WebSocket, request: IncomingMessage): void {
    const userId = new URL(request.url ?? '/', 'http://localhost').searchParams.get('user');
    if (!userId) return;
    connectionOf(client)?.setSession({
      userId,
      claims: { sub: userId },
      expiresAt: undefined,
      tokenId: undefined,
    });
  }
}
