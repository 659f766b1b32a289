import { type IncomingMessage } from 'node:http';
import { type WebSocket, type WebSocketServer } from 'ws';
import { type GatewayTable } from './gateway-table.js';
import { type WsGatewayInfo } from './plugin.interface.js';

/** How a gateway reads frames: the contract's JSON envelope, or plain text. */
export type GatewayFormat = 'json' | 'text';

/** The event a plain-text gateway's handler subscribes to (`@SubscribeMessage(TEXT_EVENT)`). */
export const TEXT_EVENT = 'text';

/** What the module adds to `@WebSocketGateway()` options. */
export interface SecureGatewayOptions {
  path?: string;
  /** @default 'json' */
  format?: GatewayFormat;
  /** `false`: this gateway's connections skip the module's authentication. @default true */
  auth?: boolean;
}

export type ConnectCallback = (client: WebSocket, request: IncomingMessage) => void;

/** One WebSocket endpoint (a path on a port) and the gateways bound to it. */
export interface GatewayServer extends WsGatewayInfo {
  readonly wss: WebSocketServer;
  readonly connectCallbacks: ConnectCallback[];
  /** The port Nest asked for (0: the app's HTTP server). */
  readonly port: number;
  /**
   * The connection path its connections take: the module's table, or `null`
   * for Nest's (`connectCallbacks`); decided at the first connection.
   */
  table?: GatewayTable | null;
}
