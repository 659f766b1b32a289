import { ConnectedSocket, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { type WebSocket } from 'ws';
import { WsSessionRegistry } from '../../../src/auth/ws-session-registry.js';
import { connectionOf } from '../../../src/connection/connection.js';

/** A gateway behind the module's JWT authentication. */
@WebSocketGateway({ path: '/session' })
export class SessionProbeGateway {
  constructor(private readonly sessions: WsSessionRegistry) {}

  @SubscribeMessage('whoami')
  whoami(@ConnectedSocket() client: WebSocket) {
    const session = connectionOf(client)?.session;
    return { userId: session?.userId, expiresAt: session?.expiresAt };
  }

  /** Revokes the caller's own user: SESSION_REVOKED, 4403. */
  @SubscribeMessage('revoke.me')
  async revoke(@ConnectedSocket() client: WebSocket): Promise<void> {
    const userId = connectionOf(client)?.session?.userId;
    if (userId) await this.sessions.revokeUser(userId, { untilMs: Date.now() + 60_000 });
  }
}
