import { type IncomingMessage } from 'node:http';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { type WebSocket } from 'ws';
import { connectionOf } from '../../../src/connection/connection.js';
import { WsErrorCode } from '../../../src/errors/error-codes.js';
import { replyOf } from '../../../src/errors/error-mapper.js';
import { ProfileDto } from '../../support/dto.js';

/**
 * What the client needs from a server before auth exists: replies, pushes,
 * validation, a revocation, a `session.expiring` push and an `auth` event
 * answered as the contract says. It records the tokens it was sent.
 */
@WebSocketGateway({ path: '/client' })
export class ClientProbeGateway {
  /** Every `auth` token received, in order. */
  readonly tokens: string[] = [];

  @SubscribeMessage('echo')
  echo(@MessageBody() data: unknown): unknown {
    return data;
  }

  @SubscribeMessage('profile.update')
  update(@MessageBody() profile: ProfileDto) {
    return { event: 'profile.updated', data: { email: profile.email } };
  }

  @SubscribeMessage('ignore')
  ignore(): void {}

  /** Replies, then pushes `news` twice. */
  @SubscribeMessage('subscribe')
  subscribe(@ConnectedSocket() client: WebSocket): string {
    setTimeout(() => {
      connectionOf(client)?.push('news', { n: 1 });
      connectionOf(client)?.push('news', { n: 2 });
    }, 5);
    return 'ok';
  }

  private readonly authorizationOf = new WeakMap<WebSocket, string | null>();

  /** The upgrade request is the gateway's to read here; the module lets it go afterwards. */
  handleConnection(client: WebSocket, request: IncomingMessage): void {
    this.authorizationOf.set(client, request.headers.authorization ?? null);
  }

  /** How the token arrived: the Authorization header and the selected subprotocol. */
  @SubscribeMessage('handshake')
  handshake(@ConnectedSocket() client: WebSocket) {
    return { authorization: this.authorizationOf.get(client) ?? null, protocol: client.protocol };
  }

  @SubscribeMessage('revoke.me')
  revoke(@ConnectedSocket() client: WebSocket): void {
    connectionOf(client)?.closeWith(replyOf(WsErrorCode.SESSION_REVOKED));
  }

  @SubscribeMessage('expire.me')
  expire(@ConnectedSocket() client: WebSocket): void {
    connectionOf(client)?.closeWith(replyOf(WsErrorCode.TOKEN_EXPIRED));
  }

  /** Cuts the TCP connection without a close frame (1006 on the client). */
  @SubscribeMessage('drop.me')
  drop(@ConnectedSocket() client: WebSocket): void {
    client.terminate();
  }

  @SubscribeMessage('expiring')
  expiring(@ConnectedSocket() client: WebSocket): string {
    connectionOf(client)?.push('session.expiring', { expiresAt: 1234 });
    return 'sent';
  }

  @SubscribeMessage('auth')
  auth(@MessageBody() data: { token: string }) {
    this.tokens.push(data.token);
    return { userId: `user-of-${data.token}`, expiresAt: 5678 };
  }
}
