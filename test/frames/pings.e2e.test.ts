import { ConnectedSocket, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { afterEach, describe, expect, it } from 'vitest';
import { type WebSocket } from 'ws';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';

/** What the server side of the last client heard of its pings, through its own `ping` listener. */
const heard: string[] = [];

@WebSocketGateway({ path: '/pings' })
class PingGateway {
  /** The events the server side of this client has listeners for. */
  @SubscribeMessage('listened')
  listened(@ConnectedSocket() client: WebSocket) {
    return { event: 'listened', data: client.eventNames() };
  }

  /** A handler listening to the client's pings itself. */
  @SubscribeMessage('hear')
  hear(@ConnectedSocket() client: WebSocket) {
    client.on('ping', (data: Buffer) => heard.push(data.toString()));
    return { event: 'hearing', data: true };
  }

  @SubscribeMessage('heard')
  heard() {
    return { event: 'heard', data: heard };
  }
}

/**
 * Pings are answered by the connection from the receiver's `ping` listener
 * (`answerPings`), not from a listener on the client: the client keeps
 * three events, so its listener table stays at its smallest.
 */
describe('pings from the client', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
    heard.length = 0;
  });

  it('are answered with a pong carrying their payload, by no listener on the client', async () => {
    t = await createTestApp({ providers: [PingGateway], module: {} });
    const client = await t.connect('/pings');
    const pongs: string[] = [];
    client.socket.on('pong', (data) => pongs.push(data.toString()));
    for (const payload of ['one', 'two', '']) client.socket.ping(payload);
    expect(await client.request('listened')).toEqual({
      event: 'listened',
      data: ['message', 'error', 'close'],
      id: '1',
    });
    expect(pongs).toEqual(['one', 'two', '']);
  });

  it("still reach the client's own ping listeners, each ping once", async () => {
    t = await createTestApp({ providers: [PingGateway], module: {} });
    const client = await t.connect('/pings');
    await client.request('hear');
    client.socket.ping('a');
    client.socket.ping('b');
    // Read after the pings: answered once both were heard.
    expect(await client.request('heard')).toEqual({ event: 'heard', data: ['a', 'b'], id: '2' });
  });
});
