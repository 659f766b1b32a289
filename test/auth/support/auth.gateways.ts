import { Injectable, UseGuards } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayConnection,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { type WebSocket } from 'ws';
import {
  RequireClaims,
  RequireRoles,
  RequireScopes,
} from '../../../src/auth/require-auth.decorators.js';
import { WsAuthGuard } from '../../../src/auth/ws-auth.guard.js';
import { WsUser } from '../../../src/auth/ws-user.decorator.js';
import { connectionOf } from '../../../src/connection/connection.js';
import { type WsSession } from '../../../src/connection/session.js';

/** What ran on the server, per test app: nothing may run for an unauthenticated client. */
@Injectable()
export class Recorder {
  readonly connected: Array<string | null> = [];
  readonly handled: Array<[string, string | null]> = [];
}

function userOf(client: WebSocket): string | null {
  return connectionOf(client)?.session?.userId ?? null;
}

/** A gateway that needs authentication (the module's default). */
@WebSocketGateway({ path: '/secure' })
export class SecureProbeGateway implements OnGatewayConnection {
  constructor(private readonly recorder: Recorder) {}

  handleConnection(client: WebSocket): void {
    this.recorder.connected.push(userOf(client));
  }

  @SubscribeMessage('echo')
  echo(@MessageBody() data: unknown, @ConnectedSocket() client: WebSocket): unknown {
    this.recorder.handled.push(['echo', userOf(client)]);
    return data;
  }

  @SubscribeMessage('whoami')
  whoami(@WsUser() session: WsSession, @WsUser('userId') userId: string) {
    return { userId, expiresAt: session.expiresAt ?? null, tokenId: session.tokenId ?? null };
  }

  @SubscribeMessage('admin')
  @UseGuards(WsAuthGuard)
  @RequireRoles('admin')
  admin(): string {
    return 'admin ok';
  }

  @SubscribeMessage('write')
  @UseGuards(WsAuthGuard)
  @RequireScopes('chat:write')
  write(): string {
    return 'write ok';
  }

  @SubscribeMessage('tenant')
  @UseGuards(WsAuthGuard)
  @RequireClaims({ tenant: 'a' })
  tenant(): string {
    return 'tenant ok';
  }
}

/** A gateway that opted out of authentication. */
@WebSocketGateway({ path: '/open', auth: false })
export class OpenProbeGateway {
  @SubscribeMessage('echo')
  echo(@MessageBody() data: unknown): unknown {
    return data;
  }
}
