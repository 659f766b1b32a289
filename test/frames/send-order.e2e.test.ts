import { Inject } from '@nestjs/common';
import { ConnectedSocket, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type WebSocket } from 'ws';
import { connectionOf } from '../../src/connection/connection.js';
import { WsRooms } from '../../src/rooms/ws-rooms.service.js';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';

const BLOB_BYTES = Buffer.from('a blob ws reads before it sends');

/** Handlers that give ws's own `send` a `Blob`, which ws reads (asynchronously) before it frames it. */
@WebSocketGateway({ path: '/order' })
class BlobGateway {
  constructor(@Inject(WsRooms) private readonly rooms: WsRooms) {}

  @SubscribeMessage('join')
  async join(@ConnectedSocket() client: WebSocket) {
    const connection = connectionOf(client);
    if (connection) await this.rooms.join(connection, 'lobby');
    return { event: 'joined', data: {} };
  }

  @SubscribeMessage('blob.then.reply')
  blobThenReply(@ConnectedSocket() client: WebSocket) {
    client.send(new Blob([BLOB_BYTES]));
    return { event: 'after.blob', data: {} };
  }

  @SubscribeMessage('blob.then.room')
  blobThenRoom(@ConnectedSocket() client: WebSocket): void {
    client.send(new Blob([BLOB_BYTES]));
    this.rooms.send('lobby', 'room.after.blob', {});
  }
}

/**
 * The module writes its text frames to the socket itself (`textFrame`,
 * `EncodedFrame`); a message ws still holds back must not be overtaken.
 */
describe('frames the module sends after a Blob given to ws', () => {
  let t: TestApp;

  beforeEach(async () => {
    t = await createTestApp({ providers: [BlobGateway] });
  });

  afterEach(async () => {
    await t.close();
  });

  it('a reply goes after the Blob the handler sent first', async () => {
    const client = await t.connect('/order');
    const id = client.emit('blob.then.reply');
    expect(await client.nextRaw()).toEqual(BLOB_BYTES);
    expect(await client.next()).toEqual({ event: 'after.blob', data: {}, id });
  });

  it('a room message, encoded once for its two members, goes after that Blob', async () => {
    const sender = await t.connect('/order');
    const other = await t.connect('/order');
    for (const client of [sender, other]) await client.request('join');
    sender.emit('blob.then.room');
    expect(await sender.nextRaw()).toEqual(BLOB_BYTES);
    expect(await sender.next()).toEqual({ event: 'room.after.blob', data: {} });
    expect(await other.next()).toEqual({ event: 'room.after.blob', data: {} });
  });
});
