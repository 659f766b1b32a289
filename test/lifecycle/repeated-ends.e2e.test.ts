import { Duplex, Writable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import {
  ConnectedSocket,
  type OnGatewayConnection,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type WebSocket } from 'ws';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';

/** The server side of each connection: its `ws` receiver and TCP socket. */
@Injectable()
class ServerStreams {
  readonly receivers: Writable[] = [];
  readonly sockets: Duplex[] = [];

  all(): Set<Writable> {
    return new Set([...this.receivers, ...this.sockets]);
  }
}

@WebSocketGateway({ path: '/ends' })
class EndsGateway implements OnGatewayConnection {
  constructor(private readonly streams: ServerStreams) {}

  handleConnection(client: WebSocket): void {
    const fields = client as unknown as { _receiver: Writable; _socket: Duplex };
    this.streams.receivers.push(fields._receiver);
    this.streams.sockets.push(fields._socket);
  }

  @SubscribeMessage('leave')
  leave(@ConnectedSocket() client: WebSocket): void {
    client.close(4000, 'bye');
  }
}

type End = (this: Writable, ...args: unknown[]) => Writable;

/**
 * Counts `end()` calls with no argument that reach Node's own `end` on a
 * stream already ending (those build an error Node drops), per stream.
 * Receivers inherit `Writable`'s `end`, sockets `Duplex`'s (a copy of it).
 */
function watchEnds(): { repeatedOn: (streams: Set<Writable>) => number; restore: () => void } {
  const seen: Writable[] = [];
  const prototypes = [Writable.prototype, Duplex.prototype];
  const originals = prototypes.map((prototype) => prototype.end as End);
  prototypes.forEach((prototype, i) => {
    const original = originals[i] as End;
    prototype.end = function (this: Writable, ...args: unknown[]) {
      if (args.length === 0 && this.writableEnded) seen.push(this);
      return original.apply(this, args);
    } as End as typeof prototype.end;
  });
  return {
    repeatedOn: (streams) => seen.filter((stream) => streams.has(stream)).length,
    restore: () =>
      prototypes.forEach((prototype, i) => {
        prototype.end = originals[i] as typeof prototype.end;
      }),
  };
}

describe("ws's repeated end() calls after a closing handshake", () => {
  let t: TestApp;
  let streams: ServerStreams;
  let ends: ReturnType<typeof watchEnds>;

  beforeEach(async () => {
    t = await createTestApp({ providers: [ServerStreams, EndsGateway] });
    streams = t.app.get(ServerStreams);
    ends = watchEnds();
  });

  afterEach(async () => {
    ends.restore();
    await t.close();
  });

  /** Resolves once every server-side socket has closed. */
  async function serverSocketsClosed(): Promise<void> {
    await expect.poll(() => streams.sockets.every((socket) => socket.closed)).toBe(true);
  }

  it('a close started by the client: 1000 both ways, no repeated end reaches Node', async () => {
    const client = await t.connect('/ends');
    client.close(1000);
    expect(await client.closed).toEqual({ code: 1000, reason: '' });
    await serverSocketsClosed();
    const [receiver] = streams.receivers;
    expect(receiver?.writableFinished).toBe(true);
    expect(ends.repeatedOn(streams.all())).toBe(0);
  });

  it('a close started by the server: its code reaches the client, no repeated end reaches Node', async () => {
    const client = await t.connect('/ends');
    client.emit('leave');
    expect(await client.closed).toEqual({ code: 4000, reason: 'bye' });
    await serverSocketsClosed();
    expect(ends.repeatedOn(streams.all())).toBe(0);
  });

  it('a peer that ends TCP without a close frame: closed 1006, no repeated end reaches Node', async () => {
    const client = await t.connect('/ends');
    (client.socket as unknown as { _socket: Duplex })._socket.end();
    expect(await client.closed).toEqual({ code: 1006, reason: '' });
    await serverSocketsClosed();
    const [receiver] = streams.receivers;
    expect(receiver?.writableFinished).toBe(true);
    expect(ends.repeatedOn(streams.all())).toBe(0);
  });

  it('end() with a callback on a finished stream still reports it', async () => {
    const client = await t.connect('/ends');
    client.close(1000);
    await client.closed;
    await serverSocketsClosed();
    const [receiver] = streams.receivers;
    const error = await new Promise<unknown>((resolve) => receiver?.end(resolve));
    expect(error).toMatchObject({ code: 'ERR_STREAM_ALREADY_FINISHED' });
  });
});
