/**
 * (a) The baseline: a plain `ws` server doing the same work as the gateways,
 * written the way one would without a framework.
 */
import { createServer } from 'node:http';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { ProfileUpdateDto as UpdateProfileDto } from '../../src/app/dto/profile-update.dto.js';
import { PROFILE_SCOPE, statsOf, WS_PATH } from '../lib/protocol.js';
import { host } from './host.js';
import { anonymousSession, benchJwt, type Session, sessionFromRequest } from './session.js';

interface Envelope {
  event?: unknown;
  data?: unknown;
  id?: unknown;
}

interface Client extends WebSocket {
  session: Session;
}

function reply(ws: WebSocket, event: string, data: unknown, id: unknown): void {
  if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ event, data, id }));
}

host(async (options) => {
  const server = createServer((_req, res) => {
    res.writeHead(404).end();
  });
  const wss = new WebSocketServer({ noServer: true });

  server.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'ws://localhost').pathname !== WS_PATH) {
      socket.destroy();
      return;
    }
    let session = anonymousSession();
    if (options.auth) {
      const verified = sessionFromRequest(benchJwt, req);
      if (!verified) {
        socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      session = verified;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      (ws as Client).session = session;
      wss.emit('connection', ws, req);
    });
  });

  // Rooms: a set of sockets per name; a closed socket leaves its rooms.
  const rooms = new Map<string, Set<WebSocket>>();
  const join = (ws: WebSocket, data: unknown, id: unknown) => {
    const room = (data as { room?: unknown } | null)?.room;
    if (typeof room !== 'string') return;
    let members = rooms.get(room);
    if (!members) {
      members = new Set();
      rooms.set(room, members);
    }
    members.add(ws);
    reply(ws, 'room.joined', { room }, id);
  };
  const leaveAll = (ws: WebSocket) => {
    for (const members of rooms.values()) members.delete(ws);
  };
  // One serialization, then a plain loop over the room's sockets.
  const broadcast = (data: unknown) => {
    const room = (data as { room?: unknown } | null)?.room;
    const members = typeof room === 'string' ? rooms.get(room) : undefined;
    if (!members) return;
    const frame = JSON.stringify({ event: 'broadcast', data });
    for (const client of members) {
      if (client.readyState === WebSocket.OPEN) client.send(frame);
    }
  };

  const updateProfile = (ws: Client, data: unknown, id: unknown) => {
    // Per-message guard: the connection's session must carry the scope.
    if (!ws.session.scopes.includes(PROFILE_SCOPE)) {
      reply(ws, 'exception', { status: 'error', message: 'Forbidden resource' }, id);
      return;
    }
    const dto = plainToInstance(UpdateProfileDto, data);
    validate(dto).then(
      (errors) => {
        if (errors.length > 0) {
          reply(ws, 'exception', { status: 'error', message: 'Validation failed' }, id);
        } else {
          reply(ws, 'profile.updated', data, id);
        }
      },
      () => reply(ws, 'exception', { status: 'error', message: 'Internal error' }, id),
    );
  };

  const onMessage = (ws: Client, raw: RawData) => {
    let message: Envelope;
    try {
      message = JSON.parse(raw.toString()) as Envelope;
    } catch {
      return;
    }
    if (message === null || typeof message !== 'object') return;
    switch (message.event) {
      case 'echo':
        reply(ws, 'echo', message.data, message.id);
        break;
      case 'profile.update':
        updateProfile(ws, message.data, message.id);
        break;
      case 'room.join':
        join(ws, message.data, message.id);
        break;
      case 'broadcast':
        broadcast(message.data);
        break;
    }
  };

  wss.on('connection', (ws: Client) => {
    ws.on('message', (raw) => onMessage(ws, raw));
    ws.on('error', () => ws.terminate());
    ws.on('close', () => leaveAll(ws));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');

  return {
    port: address.port,
    features: { auth: true, stats: true },
    stats: () => statsOf(wss.clients),
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
});
