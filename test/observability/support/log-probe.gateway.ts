import { Logger } from '@nestjs/common';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { PinoLogger } from 'nestjs-pino';

/** Handlers that log the way apps do, with no word about connections or messages. */
@WebSocketGateway({ path: '/logs' })
export class LogProbeGateway {
  private readonly nestLogger = new Logger('LogProbe');

  constructor(private readonly pino: PinoLogger) {}

  @SubscribeMessage('say')
  async say(@MessageBody() text: string): Promise<string> {
    this.pino.info({ text }, 'pino line before await');
    await new Promise((resolve) => setTimeout(resolve, 5));
    this.nestLogger.log('nest line after await');
    return text;
  }

  @SubscribeMessage('fail')
  fail(): never {
    throw new Error('disk on fire');
  }
}
