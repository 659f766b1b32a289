import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { type WebSocket } from 'ws';
import { TEXT_EVENT } from '../../src/connection/gateway-server.js';

/** handleConnection takes a while; handlers must not run before it finishes. */
@WebSocketGateway({ path: '/slow-connect' })
export class SlowConnectGateway {
  private readonly ready = new WeakSet<WebSocket>();

  async handleConnection(client: WebSocket): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 150));
    this.ready.add(client);
  }

  @SubscribeMessage('seq')
  seq(@ConnectedSocket() client: WebSocket, @MessageBody() n: number) {
    return { n, ready: this.ready.has(client) };
  }
}

/** Every lifecycle hook fails; the process must keep serving. */
@WebSocketGateway({ path: '/broken' })
export class BrokenHooksGateway {
  static disconnects = 0;

  afterInit(): void {
    throw new Error('afterInit exploded');
  }

  handleConnection(_client: WebSocket, request: { url?: string }): Promise<void> | undefined {
    if (request.url?.includes('sync')) throw new Error('handleConnection exploded');
    if (request.url?.includes('async'))
      return Promise.reject(new Error('handleConnection rejected'));
    return undefined;
  }

  handleDisconnect(): Promise<void> {
    BrokenHooksGateway.disconnects += 1;
    return Promise.reject(new Error('handleDisconnect rejected'));
  }

  @SubscribeMessage('ping')
  ping(): string {
    return 'pong';
  }
}

/** For shutdown: a handler that takes its time. */
@WebSocketGateway({ path: '/work' })
export class WorkGateway {
  static completed = 0;
  static disconnectHooksDone = 0;

  async handleDisconnect(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 100));
    WorkGateway.disconnectHooksDone += 1;
  }

  @SubscribeMessage('work')
  async work(@MessageBody() ms: number): Promise<string> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    WorkGateway.completed += 1;
    return 'worked';
  }
}

@WebSocketGateway({ path: '/text', format: 'text' })
export class ShoutGateway {
  @SubscribeMessage(TEXT_EVENT)
  shout(@MessageBody() text: string): string {
    return text.toUpperCase();
  }
}
