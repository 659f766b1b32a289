/**
 * (d) Socket.IO 4.8, what Nest users most often pick instead: a `socket.io`
 * server on its default engine (`ws`), WebSocket transport only (the
 * generator connects like socket.io-client with `transports: ['websocket']`),
 * written the way Socket.IO's docs show:
 *
 * - replies are acknowledgements (`socket.on('echo', (data, ack) => ack(data))`);
 * - the JWT travels in the CONNECT packet's `auth` and is verified in an
 *   `io.use` middleware with the same @nestjs/jwt JwtService (HS256 KeyObject)
 *   as raw ws, the session kept in `socket.data`;
 * - guard + DTO: the scope check and class-validator on the same
 *   ProfileUpdateDto, in the handler (as raw ws does);
 * - rooms: `socket.join(room)` and `io.to(room).emit(...)`;
 * - across nodes (`redisUrl`): `@socket.io/redis-adapter` on ioredis, and
 *   `room.send` does what the reference app's does (RoomMessageDto validated,
 *   membership checked, `room.message { room, from, text, at }` to the room).
 */
import { createServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';
import type { WebSocket } from 'ws';
import { ProfileUpdateDto } from '../../src/app/dto/profile-update.dto.js';
import { RoomMessageDto } from '../../src/app/dto/room.dto.js';
import { PROFILE_SCOPE, statsOf } from '../lib/protocol.js';
import { host } from './host.js';
import { anonymousSession, benchJwt, type Session, sessionFromToken } from './session.js';

type Ack = (response: unknown) => void;

interface SocketData {
  session: Session;
}

/** engine.io's socket, as far as the stats need it (the ws socket under its transport). */
interface EngineClient {
  transport: { socket?: WebSocket };
}

host(async (options) => {
  const httpServer = createServer((_req, res) => {
    res.writeHead(404).end();
  });
  const io = new Server(httpServer, { transports: ['websocket'], serveClient: false });

  let redis: Redis[] = [];
  if (options.redisUrl) {
    const pub = new Redis(options.redisUrl);
    const sub = pub.duplicate();
    redis = [pub, sub];
    io.adapter(createAdapter(pub, sub));
  }

  io.use((socket, next) => {
    if (!options.auth) {
      socket.data.session = anonymousSession();
      next();
      return;
    }
    const token = (socket.handshake.auth as { token?: unknown }).token;
    const session = typeof token === 'string' ? sessionFromToken(benchJwt, token) : undefined;
    if (!session) {
      next(new Error('Unauthorized'));
      return;
    }
    socket.data.session = session;
    next();
  });

  io.on('connection', (socket) => {
    const { session } = socket.data as SocketData;

    socket.on('echo', (data: unknown, ack: Ack) => {
      ack(data);
    });

    socket.on('profile.update', (data: unknown, ack: Ack) => {
      if (!session.scopes.includes(PROFILE_SCOPE)) {
        ack({ status: 'error', message: 'Forbidden resource' });
        return;
      }
      const dto = plainToInstance(ProfileUpdateDto, data);
      validate(dto).then(
        (errors) =>
          ack(
            errors.length > 0
              ? { status: 'error', message: 'Validation failed' }
              : { status: 'ok', data: dto },
          ),
        () => ack({ status: 'error', message: 'Internal error' }),
      );
    });

    socket.on('room.join', (data: { room?: unknown } | null, ack: Ack) => {
      const room = data?.room;
      if (typeof room !== 'string') {
        ack({ status: 'error', message: 'room must be a string' });
        return;
      }
      // With the Redis adapter, join() resolves once the node is subscribed.
      Promise.resolve(socket.join(room)).then(
        () => ack({ status: 'ok', room }),
        () => ack({ status: 'error', message: 'Internal error' }),
      );
    });

    socket.on('broadcast', (data: { room?: unknown } | null) => {
      if (typeof data?.room === 'string') io.to(data.room).emit('broadcast', data);
    });

    socket.on('room.send', (data: unknown) => {
      const dto = plainToInstance(RoomMessageDto, data);
      validate(dto).then(
        (errors) => {
          if (errors.length > 0) {
            socket.emit('exception', { status: 'error', message: 'Validation failed' });
          } else if (!socket.rooms.has(dto.room)) {
            socket.emit('exception', {
              status: 'error',
              message: 'Join the room before sending to it',
            });
          } else {
            io.to(dto.room).emit('room.message', {
              room: dto.room,
              from: session.sub,
              text: dto.text,
              at: Date.now(),
            });
          }
        },
        () => socket.emit('exception', { status: 'error', message: 'Internal error' }),
      );
    });
  });

  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const address = httpServer.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');

  const wsOf = (client: EngineClient) => client.transport.socket;
  return {
    port: address.port,
    features: { auth: true, stats: true },
    stats: () =>
      statsOf(
        Object.values((io.engine as unknown as { clients: Record<string, EngineClient> }).clients)
          .map(wsOf)
          .filter((ws): ws is WebSocket => ws !== undefined),
      ),
    close: async () => {
      io.disconnectSockets(true);
      await io.close();
      for (const client of redis) client.disconnect();
    },
  };
});
