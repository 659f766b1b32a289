/**
 * (c) This module's gateway: an ordinary Nest gateway on SecureWsAdapter.
 * Replies are plain return values (the module adds the request id), the
 * module's SecureValidationPipe validates every DTO (it is on by default),
 * the per-message guard is the module's WsAuthGuard + @RequireScopes, the JWT
 * is verified at connect by the module's `auth` option, and broadcasts go
 * through the module's ConnectionRegistry (serialised once, sent with the
 * module's slow-consumer check).
 */
import 'reflect-metadata';
import { Inject, Module, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { pino } from 'pino';
import {
  ConnectionRegistry,
  RequireScopes,
  SecureWsAdapter,
  SecureWsModule,
  WsAuthGuard,
} from '../../src/index.js';
import { JWT_SECRET, PROFILE_SCOPE, type ServerStats, WS_PATH } from '../lib/protocol.js';
import { host } from './host.js';
import { UpdateProfileDto } from './profile.dto.js';

@WebSocketGateway({ path: WS_PATH })
class BenchGateway {
  constructor(@Inject(ConnectionRegistry) private readonly registry: ConnectionRegistry) {}

  @SubscribeMessage('echo')
  echo(@MessageBody() data: unknown) {
    return data;
  }

  @UseGuards(WsAuthGuard)
  @RequireScopes(PROFILE_SCOPE)
  @SubscribeMessage('profile.update')
  updateProfile(@MessageBody() dto: UpdateProfileDto) {
    return { event: 'profile.updated', data: dto };
  }

  @SubscribeMessage('broadcast')
  broadcast(@MessageBody() data: unknown): void {
    const frame = JSON.stringify({ event: 'broadcast', data });
    for (const connection of this.registry.all()) connection.send(frame);
  }
}

host(async (options) => {
  @Module({
    imports: [
      SecureWsModule.forRoot({
        // Nothing on the hot paths logs below warn; keep the bench output clean.
        logger: pino({ level: 'warn' }),
        auth: options.auth ? { secret: JWT_SECRET } : undefined,
      }),
    ],
    providers: [BenchGateway],
  })
  class BenchModule {}

  const app = await NestFactory.create(BenchModule, { logger: ['error', 'warn'] });
  app.useWebSocketAdapter(app.get(SecureWsAdapter));
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const registry = app.get(ConnectionRegistry);

  return {
    port: address.port,
    features: { auth: true, stats: true },
    stats: (): ServerStats => {
      let max = 0;
      let total = 0;
      for (const connection of registry.all()) {
        max = Math.max(max, connection.socket.bufferedAmount);
        total += connection.socket.bufferedAmount;
      }
      return { clients: registry.size, maxBufferedAmount: max, totalBufferedAmount: total };
    },
    close: () => app.close(),
  };
});
