import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { TEXT_EVENT } from '../../connection/gateway-server.js';

/** The seed guide's echo server: plain text in, `Server received: X` out. No authentication. */
@WebSocketGateway({ path: '/seed/echo', format: 'text', auth: false })
export class SeedEchoGateway {
  @SubscribeMessage(TEXT_EVENT)
  onText(@MessageBody() text: string): string {
    return `Server received: ${text}`;
  }
}
