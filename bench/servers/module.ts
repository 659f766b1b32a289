/**
 * (c) This module's gateway: an ordinary Nest gateway on SecureWsAdapter.
 * Replies are plain return values (the module adds the request id), the
 * module's SecureValidationPipe validates every DTO (it is on by default),
 * the per-message guard is the module's WsAuthGuard + @RequireScopes, the JWT
 * is verified at connect by the module's `auth` option, and broadcasts go
 * through the module's WsRooms (serialised once, sent through the in-memory
 * bus with the module's slow-consumer check). Everything else is the
 * module's defaults (metrics, heartbeat, JSON limits), except protection
 * limits raised out of the bench's way (see below).
 *
 * Cross-node scenario (6): started with `redisUrl`, the module gets
 * `redis: { url }` (rooms on every node through RedisBus), with `natsUrl`
 * `bus: new NatsBus({ servers })`, and `room.send`
 * does what the reference app's does (src/app/gateways/rooms.gateway.ts):
 * RoomMessageDto validated, membership checked, `room.message
 * { room, from, text, at }` sent to every member on every node.
 */
import 'reflect-metadata';
import { type INestApplication, Inject, Module, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { pino } from 'pino';
import type { WebSocket } from 'ws';
import { ProfileUpdateDto as UpdateProfileDto } from '../../src/app/dto/profile-update.dto.js';
import { RoomMessageDto } from '../../src/app/dto/room.dto.js';
import { SECURE_WS_PLUGINS, type SecureWsPlugin } from '../../src/connection/plugin.interface.js';
import {
  Concurrent,
  ConnectionRegistry,
  connectionOf,
  RequireScopes,
  SecureWsAdapter,
  SecureWsException,
  SecureWsModule,
  WsAuthGuard,
  WsErrorCode,
  WsRooms,
} from '../../src/index.js';
import { TracingPlugin } from '../../src/tracing/tracing.plugin.js';
import { JWT_SECRET, PROFILE_SCOPE, statsOf, WS_PATH } from '../lib/protocol.js';
import { BurnPlugin } from './burn.plugin.js';
import { host } from './host.js';

const UNREACHABLE = 1_000_000_000;

@WebSocketGateway({ path: WS_PATH })
class BenchGateway {
  constructor(@Inject(WsRooms) private readonly rooms: WsRooms) {}

  @SubscribeMessage('echo')
  echo(@MessageBody() data: unknown) {
    return data;
  }

  /** Scenario 8: the same echo, not kept in order (the cost of ordering is 1 vs 8). */
  @Concurrent()
  @SubscribeMessage('echo.concurrent')
  echoConcurrent(@MessageBody() data: unknown) {
    return data;
  }

  @UseGuards(WsAuthGuard)
  @RequireScopes(PROFILE_SCOPE)
  @SubscribeMessage('profile.update')
  updateProfile(@MessageBody() dto: UpdateProfileDto) {
    return { event: 'profile.updated', data: dto };
  }

  @SubscribeMessage('room.join')
  async join(@ConnectedSocket() client: WebSocket, @MessageBody('room') room: string) {
    const connection = connectionOf(client);
    if (connection) await this.rooms.join(connection, room);
    return { event: 'room.joined', data: { room } };
  }

  @SubscribeMessage('room.send')
  roomSend(
    @ConnectedSocket() client: WebSocket,
    @MessageBody() { room, text }: RoomMessageDto,
  ): void {
    const connection = connectionOf(client);
    if (!connection || !this.rooms.isMember(connection, room)) {
      throw new SecureWsException(WsErrorCode.FORBIDDEN, 'Join the room before sending to it');
    }
    this.rooms.send(room, 'room.message', {
      room,
      from: connection.session?.userId ?? connection.id,
      text,
      at: Date.now(),
    });
  }

  @SubscribeMessage('broadcast')
  broadcast(@MessageBody() data: { room: string }): void {
    this.rooms.send(data.room, 'broadcast', data);
  }
}

/** The baseline of `--tracing`: the module's plugin list without its tracing plugin. */
function withoutTracingPlugin(app: INestApplication): void {
  const plugins = app.get<SecureWsPlugin[]>(SECURE_WS_PLUGINS);
  const at = plugins.indexOf(app.get(TracingPlugin));
  if (at === -1) throw new Error('the tracing plugin is not in the plugin list');
  plugins.splice(at, 1);
}

host(async (options) => {
  // Loaded for `--tracing` alone: the SDK is some 80 modules a user's app
  // without tracing does not load, and their start-up allocation changes
  // when V8 first collects (BENCHMARKS.md, "Aged processes").
  if (options.tracing === 'sdk') (await import('../lib/tracing.js')).registerBenchTracing();
  // Loaded for the cross-node scenario's NATS row alone, for the same reason.
  const bus = options.natsUrl
    ? new (await import('../../src/nats.js')).NatsBus({ servers: options.natsUrl })
    : undefined;
  @Module({
    imports: [
      SecureWsModule.forRoot({
        // Nothing on the hot paths logs below warn; keep the bench output clean.
        logger: pino({ level: 'warn' }),
        auth: options.auth ? { secret: JWT_SECRET } : undefined,
        redis: options.redisUrl ? { url: options.redisUrl } : undefined,
        bus,
        // Rooms with history: each room message is stored (in Redis: one Lua script) and gets `pos`.
        history: { allRooms: options.history === true },
        // `--tracing-burn`: the positive control of `--tracing-pairs`.
        plugins: options.burnNs ? [new BurnPlugin(options.burnNs)] : [],
        // Protection stays on (its checks run on every handshake and message),
        // with limits the bench's load never reaches: 10k connections from a
        // few loopback addresses, thousands of messages per second per
        // connection and per user.
        protection: {
          maxConnections: UNREACHABLE,
          maxConnectionsPerAddress: UNREACHABLE,
          handshakeRate: { points: UNREACHABLE, durationMs: 1000 },
          messageRate: { points: UNREACHABLE, durationMs: 1000 },
          userMessageRate: { points: UNREACHABLE, durationMs: 1000 },
        },
      }),
    ],
    providers: [BenchGateway],
  })
  class BenchModule {}

  const app = await NestFactory.create(BenchModule, { logger: ['error', 'warn'] });
  if (options.tracing === 'absent') withoutTracingPlugin(app);
  app.useWebSocketAdapter(app.get(SecureWsAdapter));
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const registry = app.get(ConnectionRegistry);

  return {
    port: address.port,
    features: { auth: true, stats: true },
    stats: () => statsOf([...registry.all()].map((connection) => connection.socket)),
    close: () => app.close(),
  };
});
