import { setTimeout as sleep } from 'node:timers/promises';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { type WebSocket } from 'ws';
import { Reply } from '../../asyncapi/contract.decorators.js';
import { connectionOf } from '../../connection/connection.js';
import { CounterService } from '../counter.service.js';
import { CounterIncrementedDto } from '../dto/counter.dto.js';
import { WorkDoneDto, WorkDto } from '../dto/work.dto.js';

/** The reference app's delivery events (see docs/protocol.md, "Delivery"), on `/ws`. */
@WebSocketGateway({ path: '/ws' })
export class DeliveryGateway {
  constructor(private readonly counters: CounterService) {}

  /** One more on the user's own counter; with `idempotencyKey`, a repeat counts nothing. */
  @SubscribeMessage('counter.increment')
  @Reply('counter.incremented', CounterIncrementedDto)
  async increment(@ConnectedSocket() client: WebSocket) {
    const connection = connectionOf(client);
    const userId = connection?.session?.userId ?? `connection:${connection?.id}`;
    return { event: 'counter.incremented', data: { value: await this.counters.increment(userId) } };
  }

  /** A slow handler: answers after `ms` milliseconds, in order like every other. */
  @SubscribeMessage('work')
  @Reply('work.done', WorkDoneDto)
  async work(@MessageBody() { ms }: WorkDto) {
    await sleep(ms);
    return { event: 'work.done', data: { ms } };
  }
}
