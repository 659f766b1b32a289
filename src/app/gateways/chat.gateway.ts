import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { type WebSocket } from 'ws';
import { Reply } from '../../asyncapi/contract.decorators.js';
import { connectionOf } from '../../connection/connection.js';
import { EchoDto } from '../dto/echo.dto.js';
import { ProfileUpdateDto } from '../dto/profile-update.dto.js';
import { WhoAmIDto } from '../dto/whoami.dto.js';

/** The JSON gateway of the reference app, at `/ws`. */
@WebSocketGateway({ path: '/ws' })
export class ChatGateway {
  @SubscribeMessage('echo')
  @Reply(EchoDto)
  echo(@MessageBody() { text }: EchoDto) {
    return { text };
  }

  @SubscribeMessage('whoami')
  @Reply(WhoAmIDto)
  whoami(@ConnectedSocket() client: WebSocket) {
    const connection = connectionOf(client);
    return {
      userId: connection?.session?.userId ?? null,
      connectionId: connection?.id,
      expiresAt: connection?.session?.expiresAt ?? null,
    };
  }

  @SubscribeMessage('profile.update')
  @Reply('profile.updated', ProfileUpdateDto)
  updateProfile(@MessageBody() { email, displayName }: ProfileUpdateDto) {
    return { event: 'profile.updated', data: { email, displayName } };
  }
}
