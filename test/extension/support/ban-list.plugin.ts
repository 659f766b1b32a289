import { type IncomingMessage } from 'node:http';
import { Injectable } from '@nestjs/common';
import {
  type HandshakeRefusal,
  type InboundFrame,
  type SecureWsPlugin,
  type WsConnection,
  type WsErrorReply,
  type WsGatewayInfo,
} from '../../../src/index.js';

/** The app's own service: here a set; in an app, a database or a cache. */
@Injectable()
export class BanList {
  private readonly banned = new Set<string>();
  lookups = 0;

  ban(deviceId: string): void {
    this.banned.add(deviceId);
  }

  async isBanned(deviceId: string): Promise<boolean> {
    this.lookups += 1;
    await new Promise((resolve) => setTimeout(resolve, 5));
    return this.banned.has(deviceId);
  }
}

/**
 * The worked example of docs/extending.md: a connect-time guard with
 * injection. It reads `?device=` from the upgrade URL, asks the ban list,
 * and refuses a banned device with HTTP 403 and `{ "code": "DEVICE_BANNED" }`
 * before any WebSocket exists.
 */
@Injectable()
export class BanListGuard implements SecureWsPlugin {
  constructor(private readonly bans: BanList) {}

  async checkHandshake(
    request: IncomingMessage,
    _gateway: WsGatewayInfo,
  ): Promise<HandshakeRefusal | undefined> {
    const device = new URL(request.url ?? '/', 'http://localhost').searchParams.get('device');
    if (!device) return { status: 400, code: 'DEVICE_REQUIRED' };
    return (await this.bans.isBanned(device)) ? { status: 403, code: 'DEVICE_BANNED' } : undefined;
  }
}

/** Records what the hooks saw, for the tests. */
@Injectable()
export class HookRecorder implements SecureWsPlugin {
  readonly seen: string[] = [];

  onHandshake(outcome: string): void {
    this.seen.push(`handshake:${outcome}`);
  }

  onOpen(connection: WsConnection): void {
    this.seen.push(`open:${connection.server.path}`);
  }

  beforeMessage(_connection: WsConnection, frame: InboundFrame): WsErrorReply | undefined {
    this.seen.push(`frame:${frame.event}`);
    if (frame.event === 'forbidden') {
      return { code: 'FORBIDDEN', message: 'Not this one', unexpected: false };
    }
    return undefined;
  }

  onErrorFrame(_connection: WsConnection, code: string): void {
    this.seen.push(`error:${code}`);
  }

  onClose(_connection: WsConnection, code: number): void {
    this.seen.push(`close:${code}`);
  }
}
