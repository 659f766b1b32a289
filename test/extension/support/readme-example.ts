import { Module } from '@nestjs/common';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { SecureWsModule } from '../../../src/index.js';
import { BanList, BanListGuard } from './ban-list.plugin.js';
import { Hub, HubBus } from './hub.bus.js';

/*
 * The README's "Extending" example, as it is written there
 * (test/extension/readme-example.e2e.test.ts boots it and checks that the
 * README still shows this code).
 */

@WebSocketGateway({ path: '/chat' })
export class ChatGateway {
  @SubscribeMessage('echo')
  echo(@MessageBody() data: unknown): unknown {
    return data;
  }
}

export const hub = new Hub();

@Module({ providers: [BanList, BanListGuard], exports: [BanList] })
export class BansModule {}

@Module({
  imports: [
    BansModule,
    SecureWsModule.forRoot({
      plugins: [BanListGuard],
      // Any WsBus: in memory by default, `redis: { url }`, `new NatsBus(...)`, or your own.
      bus: new HubBus(hub),
    }),
  ],
  providers: [ChatGateway],
})
export class AppModule {}
