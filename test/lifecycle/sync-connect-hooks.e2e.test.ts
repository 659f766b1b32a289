import { Injectable } from '@nestjs/common';
import {
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { afterEach, describe, expect, it } from 'vitest';
import { type WebSocket } from 'ws';
import { connectionOf } from '../../src/connection/connection.js';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';

/** What the hooks saw, read in a microtask they queued. */
@Injectable()
class Seen {
  readonly states: string[] = [];
  readonly disconnected: Array<Promise<unknown>> = [];
}

@WebSocketGateway({ path: '/sync-hooks' })
class SyncHooksGateway implements OnGatewayConnection, OnGatewayDisconnect {
  constructor(private readonly seen: Seen) {}

  handleConnection(client: WebSocket): void {
    const connection = connectionOf(client);
    queueMicrotask(() => this.seen.states.push(`connect: ${connection?.state}`));
  }

  handleDisconnect(client: WebSocket): void {
    const connection = connectionOf(client);
    queueMicrotask(() => {
      if (connection) this.seen.disconnected.push(connection.disconnected);
    });
  }

  @SubscribeMessage('echo')
  echo(): string {
    return 'echo';
  }
}

@WebSocketGateway({ path: '/async-hooks' })
class AsyncHooksGateway implements OnGatewayConnection {
  constructor(private readonly seen: Seen) {}

  async handleConnection(client: WebSocket): Promise<void> {
    const connection = connectionOf(client);
    queueMicrotask(() => this.seen.states.push(`async connect: ${connection?.state}`));
    await new Promise((resolve) => setTimeout(resolve, 20));
    this.seen.states.push(`async connect done: ${connection?.state}`);
  }

  @SubscribeMessage('echo')
  echo(): string {
    return 'echo';
  }
}

describe('synchronous connection hooks take no promise', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('a synchronous handleConnection opens the connection in the same turn; handleDisconnect leaves nothing to wait for', async () => {
    t = await createTestApp({ providers: [Seen, SyncHooksGateway] });
    const seen = t.app.get(Seen);
    const client = await t.connect('/sync-hooks');
    expect(await client.request('echo')).toEqual({ event: 'echo', data: 'echo', id: '1' });
    expect(seen.states).toEqual(['connect: open']);
    client.close();
    await expect.poll(() => seen.disconnected.length).toBe(1);
    // The shared settled promise of a connection without a disconnect hook to wait for.
    const [waited] = seen.disconnected;
    expect(await Promise.race([waited, Promise.resolve('pending')])).toBeUndefined();
  });

  it('an async handleConnection is still waited for before the connection opens', async () => {
    t = await createTestApp({ providers: [Seen, AsyncHooksGateway] });
    const seen = t.app.get(Seen);
    const client = await t.connect('/async-hooks');
    expect(await client.request('echo')).toEqual({ event: 'echo', data: 'echo', id: '1' });
    expect(seen.states).toEqual(['async connect: admitting', 'async connect done: admitting']);
    client.close();
  });
});
