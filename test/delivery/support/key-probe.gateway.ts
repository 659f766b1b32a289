import { type IncomingMessage } from 'node:http';
import {
  MessageBody,
  type OnGatewayConnection,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { type WebSocket } from 'ws';

/**
 * A slow `slow` event on `/ws` that records every raw frame it is sent, so
 * a test can see a request sent again with its idempotency key.
 */
@WebSocketGateway({ path: '/ws' })
export class KeyProbeGateway implements OnGatewayConnection {
  /** Raw frames of `slow` requests, in arrival order, across connections. */
  readonly frames: Array<Record<string, unknown>> = [];

  handleConnection(client: WebSocket, _request: IncomingMessage): void {
    client.on('message', (raw) => {
      const frame = JSON.parse(raw.toString()) as Record<string, unknown>;
      if (frame.event === 'slow') this.frames.push(frame);
    });
  }

  @SubscribeMessage('slow')
  async slow(@MessageBody() data: { ms: number }) {
    await new Promise((resolve) => setTimeout(resolve, data.ms));
    return { event: 'slow.done', data };
  }
}
