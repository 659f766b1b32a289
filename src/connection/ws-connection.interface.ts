import { type Logger } from 'pino';
import { type WsErrorReply } from '../errors/error-mapper.js';
import { type WsGatewayInfo } from './plugin.interface.js';
import { type WsSession } from './session.js';

/**
 * - `admitting`: authenticating or running `handleConnection`; frames wait.
 * - `open`: frames are dispatched.
 * - `draining`: the server is stopping; in-flight handlers finish, new frames are refused.
 * - `closed`: the socket is gone.
 */
export type ConnectionState = 'admitting' | 'open' | 'draining' | 'closed';

/**
 * One client connection as handlers and plugins see it: what they may read
 * and do. Get it in a handler with `connectionOf(client)`; plugins get it
 * in their hooks.
 */
export interface WsConnection {
  /** Unique per connection (a UUID). */
  readonly id: string;
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
  readonly state: ConnectionState;
  /** The gateway the connection belongs to: `{ path, format, auth }`. */
  readonly server: WsGatewayInfo;
  /** The authenticated session, once there is one. */
  readonly session: WsSession | undefined;
  /** Handlers running now. */
  readonly inflightCount: number;
  /** This connection's child logger: connection id, address, user once known. */
  readonly logger: Logger;
  /** True when a handler serves `event` on this connection. */
  handles(event: string): boolean;
  /** Pushes `{ event, data }`; `false` when the socket is not open (or the client stopped reading). */
  push(event: string, data: unknown): boolean;
  /** Answers with an error frame; with a `closeCode`, closes after it. */
  fail(reply: WsErrorReply, event?: string, id?: string | number): void;
  /** Sends the error frame, then closes with its close code (1000 without one). */
  closeWith(reply: WsErrorReply, event?: string, id?: string | number): void;
  /**
   * Calls `listener` once, when the connection has closed, with the close
   * code it is counted with (see `onClose` of plugins); at once if it is
   * already closed. The one way to learn of a close.
   */
  onClose(listener: (code: number) => void): void;
}
