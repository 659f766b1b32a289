import { type IncomingMessage } from 'node:http';
import {
  type CanActivate,
  type ExecutionContext,
  Injectable,
  Scope,
  UseGuards,
} from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayConnection,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { afterEach, describe, expect, it } from 'vitest';
import { type WebSocket } from 'ws';
import { type Connection, connectionOf } from '../../src/connection/connection.js';
import { ConnectionRegistry } from '../../src/connection/connection-registry.js';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';

/** A singleton both kinds of gateway inject: what their hooks saw, in order. */
@Injectable()
class Visits {
  readonly seen: string[] = [];
  readonly clients = new Set<WebSocket>();
}

/** Lets a frame through only for clients `handleConnection` admitted. */
@Injectable()
class AdmittedGuard implements CanActivate {
  constructor(private readonly visits: Visits) {}

  canActivate(context: ExecutionContext): boolean {
    return this.visits.clients.has(context.switchToWs().getClient<WebSocket>());
  }
}

@WebSocketGateway({ path: '/plain' })
class PlainGateway implements OnGatewayConnection {
  constructor(private readonly visits: Visits) {}

  handleConnection(client: WebSocket, request: IncomingMessage): void {
    this.visits.clients.add(client);
    this.visits.seen.push(`plain connect ${request.url}`);
  }

  handleDisconnect(client: WebSocket, code: number): void {
    this.visits.seen.push(`plain disconnect ${code} ${this.visits.clients.delete(client)}`);
  }

  @SubscribeMessage('echo')
  echo(@MessageBody() data: unknown): unknown {
    return data;
  }

  @SubscribeMessage('who')
  who(@ConnectedSocket() client: WebSocket): unknown {
    return { known: this.visits.clients.has(client) };
  }

  @UseGuards(AdmittedGuard)
  @SubscribeMessage('guarded')
  guarded(@ConnectedSocket() client: WebSocket, @MessageBody('n') n: number): unknown {
    return { n, open: connectionOf(client)?.state };
  }
}

/** A second gateway on the same path: its hooks run after the first's, its events are served too. */
@WebSocketGateway({ path: '/plain' })
class SecondPlainGateway implements OnGatewayConnection {
  constructor(private readonly visits: Visits) {}

  handleConnection(): void {
    this.visits.seen.push('second connect');
  }

  handleDisconnect(): void {
    this.visits.seen.push('second disconnect');
  }

  @SubscribeMessage('second')
  second(): string {
    return 'from second';
  }
}

/** One instance per client: Nest makes it when the client connects. */
@Injectable({ scope: Scope.REQUEST })
class PerClient {
  static made = 0;
  readonly number = ++PerClient.made;
}

/** Request-scoped (through `PerClient`): it keeps Nest's connection path. */
@WebSocketGateway({ path: '/scoped' })
class ScopedGateway implements OnGatewayConnection {
  constructor(
    private readonly visits: Visits,
    private readonly perClient: PerClient,
  ) {}

  handleConnection(_client: WebSocket, request: IncomingMessage): void {
    this.visits.seen.push(`scoped connect ${request.url} #${this.perClient.number}`);
  }

  handleDisconnect(_client: WebSocket, code: number): void {
    this.visits.seen.push(`scoped disconnect ${code} #${this.perClient.number}`);
  }

  @SubscribeMessage('number')
  number(): number {
    return this.perClient.number;
  }
}

/** Two gateways answering the same event on one path: Nest decides which, so Nest's path. */
@WebSocketGateway({ path: '/twice' })
class TwiceGateway {
  @SubscribeMessage('ping')
  ping(): string {
    return 'pong';
  }
}

@WebSocketGateway({ path: '/twice' })
class TwiceAgainGateway {
  @SubscribeMessage('ping')
  ping(): string {
    return 'pong';
  }
}

function onlyConnection(app: TestApp): Connection {
  const [connection, ...rest] = [...app.app.get(ConnectionRegistry).all()];
  expect(rest).toEqual([]);
  if (!connection) throw new Error('no connection');
  return connection;
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  expect(check()).toBe(true);
}

describe("connection path: the module's per-gateway table, or Nest's per-client binding", () => {
  const apps: TestApp[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  async function boot(providers: unknown[]): Promise<TestApp> {
    const app = await createTestApp({ providers: [Visits, ...(providers as [])], module: {} });
    apps.push(app);
    return app;
  }

  it('static gateways: hooks with their DI run once per client, handlers come from one shared table', async () => {
    const app = await boot([PlainGateway, SecondPlainGateway, AdmittedGuard]);
    const visits = app.app.get(Visits);
    const client = await app.connect('/plain?room=1');
    const id = client.emit('echo', { text: 'hi' });
    expect(await client.next()).toEqual({ event: 'echo', data: { text: 'hi' }, id });
    const connection = onlyConnection(app);
    expect(connection.server.table).toBeTruthy();
    // Nothing was bound to this client: its own handler map stays empty.
    expect(connection.handlers.size).toBe(0);
    expect(connection.handles('guarded')).toBe(true);
    expect(connection.handles('nope')).toBe(false);

    const whoId = client.emit('who');
    expect(await client.next()).toEqual({ event: 'who', data: { known: true }, id: whoId });
    const guardedId = client.emit('guarded', { n: 3 });
    expect(await client.next()).toEqual({
      event: 'guarded',
      data: { n: 3, open: 'open' },
      id: guardedId,
    });
    const secondId = client.emit('second');
    expect(await client.next()).toEqual({ event: 'second', data: 'from second', id: secondId });
    client.emit('nope');
    await client.nextError('UNKNOWN_EVENT');

    expect(visits.seen).toEqual(['plain connect /plain?room=1', 'second connect']);
    client.close(1000);
    await until(() => visits.seen.length === 4);
    expect(visits.seen.slice(2)).toEqual(['plain disconnect 1000 true', 'second disconnect']);
  });

  it('the guard still refuses a client the hooks did not admit', async () => {
    const app = await boot([PlainGateway, AdmittedGuard]);
    const visits = app.app.get(Visits);
    const client = await app.connect('/plain');
    await until(() => visits.clients.size === 1);
    visits.clients.clear();
    client.emit('guarded', { n: 1 });
    await client.nextError('FORBIDDEN');
  });

  it("a request-scoped gateway keeps Nest's path: an instance per client, its hooks on it", async () => {
    const app = await boot([ScopedGateway, PerClient]);
    const visits = app.app.get(Visits);
    const first = PerClient.made;
    const client = await app.connect('/scoped');
    const id = client.emit('number');
    const reply = await client.next();
    const connection = onlyConnection(app);
    expect(connection.server.table).toBeNull();
    expect([...connection.handlers.keys()]).toEqual(['number']);
    expect(reply).toEqual({ event: 'number', data: first + 1, id });
    expect(visits.seen).toEqual([`scoped connect /scoped #${first + 1}`]);
    client.close(1000);
    await until(() => visits.seen.length === 2);
    expect(visits.seen[1]).toBe(`scoped disconnect 1000 #${first + 1}`);
  });

  it("two gateways answering one event on a path keep Nest's path, and answer", async () => {
    const app = await boot([TwiceGateway, TwiceAgainGateway]);
    const client = await app.connect('/twice');
    const id = client.emit('ping');
    expect(await client.next()).toEqual({ event: 'ping', data: 'pong', id });
    expect(onlyConnection(app).server.table).toBeNull();
  });
});
