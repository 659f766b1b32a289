/**
 * (b) A stock Nest 12 gateway on @nestjs/platform-ws's WsAdapter, written the
 * way the Nest docs show: @UseGuards + ValidationPipe per message, JwtService
 * at connect, @WebSocketServer for broadcasts.
 */
import 'reflect-metadata';
import type { IncomingMessage } from 'node:http';
import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  Module,
  UseGuards,
  UsePipes,
  ValidationPipe,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { JwtModule, JwtService } from '@nestjs/jwt';
import { WsAdapter } from '@nestjs/platform-ws';
import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
  WsException,
} from '@nestjs/websockets';
import { WebSocket, type WebSocketServer as WsServer } from 'ws';
import { ProfileUpdateDto as UpdateProfileDto } from '../../src/app/dto/profile-update.dto.js';
import { PROFILE_SCOPE, type ServerOptions, statsOf, WS_PATH } from '../lib/protocol.js';
import { host } from './host.js';
import { anonymousSession, JWT_KEY, type Session, sessionFromRequest } from './session.js';

const BENCH_OPTIONS = Symbol('BENCH_OPTIONS');

interface Client extends WebSocket {
  session?: Session;
}

@Injectable()
class ProfileScopeGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const client = context.switchToWs().getClient<Client>();
    return client.session?.scopes.includes(PROFILE_SCOPE) === true;
  }
}

/** The gateway instance, so the host can read the ws server's sockets for stats. */
let gatewayRef: BenchGateway | undefined;

@WebSocketGateway({ path: WS_PATH })
class BenchGateway implements OnGatewayConnection, OnGatewayDisconnect {
  @WebSocketServer()
  server!: WsServer;

  constructor(
    @Inject(JwtService) private readonly jwt: JwtService,
    @Inject(BENCH_OPTIONS) private readonly options: ServerOptions,
  ) {
    gatewayRef = this;
  }

  handleConnection(client: Client, req: IncomingMessage): void {
    if (!this.options.auth) {
      client.session = anonymousSession();
      return;
    }
    const session = sessionFromRequest(this.jwt, req);
    if (!session) {
      client.close(4401, 'Unauthorized');
      return;
    }
    client.session = session;
  }

  @SubscribeMessage('echo')
  echo(@MessageBody() data: unknown) {
    return { event: 'echo', data };
  }

  @UseGuards(ProfileScopeGuard)
  @UsePipes(new ValidationPipe({ exceptionFactory: (errors) => new WsException(errors) }))
  @SubscribeMessage('profile.update')
  updateProfile(@MessageBody() dto: UpdateProfileDto) {
    return { event: 'profile.updated', data: dto };
  }

  /** Rooms: a set of sockets per name, kept by the gateway. */
  private readonly rooms = new Map<string, Set<WebSocket>>();

  handleDisconnect(client: Client): void {
    for (const members of this.rooms.values()) members.delete(client);
  }

  @SubscribeMessage('room.join')
  join(@ConnectedSocket() client: Client, @MessageBody('room') room: string) {
    let members = this.rooms.get(room);
    if (!members) {
      members = new Set();
      this.rooms.set(room, members);
    }
    members.add(client);
    return { event: 'room.joined', data: { room } };
  }

  @SubscribeMessage('broadcast')
  broadcast(@MessageBody() data: { room: string }): void {
    const members = this.rooms.get(data.room);
    if (!members) return;
    const frame = JSON.stringify({ event: 'broadcast', data });
    for (const client of members) {
      if (client.readyState === WebSocket.OPEN) client.send(frame);
    }
  }
}

host(async (options) => {
  @Module({
    imports: [JwtModule.register({ secret: JWT_KEY, verifyOptions: { algorithms: ['HS256'] } })],
    providers: [BenchGateway, { provide: BENCH_OPTIONS, useValue: options }],
  })
  class BenchModule {}

  const app = await NestFactory.create(BenchModule, { logger: ['error', 'warn'] });
  app.useWebSocketAdapter(new WsAdapter(app));
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };

  return {
    port: address.port,
    features: { auth: true, stats: true },
    stats: () => statsOf(gatewayRef?.server.clients ?? []),
    close: () => app.close(),
  };
});
