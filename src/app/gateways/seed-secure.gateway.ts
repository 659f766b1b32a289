import { Inject } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { type WebSocket } from 'ws';
import { type JwtVerifier } from '../../auth/jwt-verifier.js';
import { connectionOf } from '../../connection/connection.js';
import { TEXT_EVENT } from '../../connection/gateway-server.js';
import { WsCloseCode } from '../../errors/error-codes.js';

/** The verifier of the seed secure server: HS256 with JWT_SECRET, user id in `user_id`. */
export const SEED_JWT_VERIFIER = Symbol('SEED_JWT_VERIFIER');

/**
 * The seed guide's secure server, plain text: the first frame is a JWT
 * (`Authenticated!`, `Token Expired` or `Invalid Token` then close 4401),
 * then `X` → `Server received: X`. It authenticates in-band, as the seed
 * describes, so it opts out of the module's connect-time authentication.
 */
@WebSocketGateway({ path: '/seed/secure', format: 'text', auth: false })
export class SeedSecureGateway {
  constructor(@Inject(SEED_JWT_VERIFIER) private readonly verifier: JwtVerifier) {}

  @SubscribeMessage(TEXT_EVENT)
  onText(@MessageBody() text: string, @ConnectedSocket() client: WebSocket): string | undefined {
    const connection = connectionOf(client);
    if (!connection) return undefined;
    if (connection.session) return `Server received: ${text}`;
    const check = this.verifier.verify(text.trim());
    if (check.ok) {
      connection.setSession(check.session);
      return 'Authenticated!';
    }
    connection.logger.debug(
      { code: check.code, reason: check.reason },
      'Seed authentication refused',
    );
    client.send(check.code === 'TOKEN_EXPIRED' ? 'Token Expired' : 'Invalid Token');
    client.close(WsCloseCode.UNAUTHENTICATED, check.code);
    return undefined;
  }
}
