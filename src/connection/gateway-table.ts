import { type IncomingMessage } from 'node:http';
import { type WebSocket } from 'ws';
import { type InboundFrame } from '../frames/frame.js';

/** A handler bound to one client: `(data, frame) => result` (see `BoundHandler`). */
type ClientHandler = (data: unknown, frame: InboundFrame) => unknown;

/**
 * Makes a gateway handler's function for one client, when a frame arrives.
 * Handlers that never see the client return one shared function; marked
 * with its dispatch mode (`withDispatchMode`).
 */
export type GatewayHandlerFactory = (client: WebSocket) => ClientHandler;

/**
 * What every connection of one server shares: the handlers of its gateways
 * by event, made once at start-up, and the gateways' connection hooks in
 * the order Nest would call them. With it, a connection costs no bound
 * function, closure or subscription per handler or per gateway.
 */
export interface GatewayTable {
  readonly handlers: ReadonlyMap<string, GatewayHandlerFactory>;
  /** The gateways' `handleConnection(client, request)`, bound to their instances. */
  readonly connects: ReadonlyArray<(client: WebSocket, request: IncomingMessage) => unknown>;
  /** Calls every gateway's `handleDisconnect(client, code)`; `undefined` when none has one. */
  readonly disconnect: ((code: number, client: WebSocket) => void) | undefined;
}
