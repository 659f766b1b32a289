import { type Socket } from 'node:net';
import { Inject } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type WebSocket } from 'ws';
import { type Connection, connectionOf } from '../../src/connection/connection.js';
import { MAX_HELD_BYTES } from '../../src/connection/loop-cork.js';
import { WsRooms } from '../../src/rooms/ws-rooms.service.js';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';
import { type WsTestClient } from '../../src/testing/ws-test-client.js';

/** The server side of each joined client, by the name it joined with. */
const members = new Map<string, Connection>();

@WebSocketGateway({ path: '/batching' })
class BurstGateway {
  constructor(@Inject(WsRooms) private readonly rooms: WsRooms) {}

  @SubscribeMessage('join')
  async join(@ConnectedSocket() client: WebSocket, @MessageBody() name: string) {
    const connection = connectionOf(client);
    if (!connection) throw new Error('no connection');
    await this.rooms.join(connection, 'lobby');
    members.set(name, connection);
    return { event: 'joined', data: name };
  }

  /** Several room messages from one handler: one loop turn. */
  @SubscribeMessage('burst')
  burst(@MessageBody() count: number): void {
    for (let i = 0; i < count; i++) this.rooms.send('lobby', 'burst', i);
  }

  /** `count` room messages of `size` characters, and the most `member`'s socket held meanwhile. */
  @SubscribeMessage('burst.large')
  burstLarge(
    @MessageBody() { count, size, member }: { count: number; size: number; member: string },
  ) {
    const socket = members.get(member)?.transport;
    let held = 0;
    for (let i = 0; i < count; i++) {
      this.rooms.send('lobby', 'large', { i, text: 'x'.repeat(size) });
      held = Math.max(held, socket?.writableLength ?? 0);
    }
    return { event: 'burst.sent', data: { held } };
  }

  /** One room message, then whether it is still held in `member`'s socket. */
  @SubscribeMessage('single')
  single(@MessageBody() member: string) {
    this.rooms.send('lobby', 'single', {});
    const socket = members.get(member)?.transport;
    return {
      event: 'single.sent',
      data: { corked: socket?.writableCorked, held: socket?.writableLength },
    };
  }
}

/** Counts the writes a socket hands to the system: `_write` for one chunk, `_writev` for several. */
function countWrites(socket: Socket): { write: number; writev: number } {
  const counts = { write: 0, writev: 0 };
  const stream = socket as unknown as Record<'_write' | '_writev', (...args: unknown[]) => void>;
  const write = stream._write;
  const writev = stream._writev;
  stream._write = function (this: Socket, ...args: unknown[]) {
    counts.write++;
    return write.apply(this, args);
  };
  stream._writev = function (this: Socket, ...args: unknown[]) {
    counts.writev++;
    return writev.apply(this, args);
  };
  return counts;
}

function serverSocketOf(name: string): Socket {
  const connection = members.get(name);
  if (!connection) throw new Error(`${name} has not joined`);
  return connection.transport;
}

describe('frames written to one connection in one loop turn', () => {
  let t: TestApp;
  let alice: WsTestClient;
  let bob: WsTestClient;

  beforeEach(async () => {
    members.clear();
    t = await createTestApp({ providers: [BurstGateway], module: { heartbeat: false } });
    alice = await t.connect('/batching');
    bob = await t.connect('/batching');
    await alice.request('join', 'alice');
    await bob.request('join', 'bob');
  });

  afterEach(async () => {
    await t.close();
  });

  it('leave a member in two writes: the first at once, the rest together at the turn’s end', async () => {
    const toBob = countWrites(serverSocketOf('bob'));
    const toAlice = countWrites(serverSocketOf('alice'));
    alice.emit('burst', 5);
    for (let i = 0; i < 5; i++) expect(await bob.next()).toEqual({ event: 'burst', data: i });
    for (let i = 0; i < 5; i++) expect(await alice.next()).toEqual({ event: 'burst', data: i });
    expect(toBob).toEqual({ write: 1, writev: 1 });
    // The sender's socket is held from the read that brought its request.
    expect(toAlice).toEqual({ write: 0, writev: 1 });
  });

  it('a burst larger than a socket may hold leaves in pieces of at most MAX_HELD_BYTES and a frame', async () => {
    const toBob = countWrites(serverSocketOf('bob'));
    const carol = await t.connect('/batching');
    const size = 1000;
    const reply = await carol.request<{ data: { held: number } }>('burst.large', {
      count: 100,
      size,
      member: 'bob',
    });
    for (let i = 0; i < 100; i++) {
      expect(await bob.next()).toEqual({ event: 'large', data: { i, text: 'x'.repeat(size) } });
    }
    // Each frame is a little over `size` bytes: held back, but never much more than the cap.
    expect(reply.data.held).toBeGreaterThan(size);
    expect(reply.data.held).toBeLessThan(MAX_HELD_BYTES + 2 * size);
    expect(toBob.writev).toBeGreaterThanOrEqual(6);
    expect(toBob.write + toBob.writev).toBeLessThan(20);
  });

  it('one frame a turn leaves at once, and a later turn starts uncorked', async () => {
    const toBob = countWrites(serverSocketOf('bob'));
    const carol = await t.connect('/batching');
    for (let i = 0; i < 3; i++) {
      expect(await carol.request('single', 'bob')).toEqual({
        event: 'single.sent',
        data: { corked: 0, held: 0 },
        id: expect.any(String),
      });
      expect(await bob.next()).toEqual({ event: 'single', data: {} });
    }
    expect(toBob).toEqual({ write: 3, writev: 0 });
  });
});
