import { type WebSocket, type WebSocketServer } from 'ws';

/** What `ws`'s receiver holds for one connection before it closes it. */
export interface ReceiverLimits {
  maxPayload: number;
  maxBufferedChunks: number;
  maxFragments: number;
  /**
   * `false`: one message per event-loop turn, so one TCP read full of tiny
   * frames cannot hold the loop (`ws`'s `allowSynchronousEvents`).
   */
  allowSynchronousEvents: boolean;
}

/** The fields of `ws`'s `Receiver` (8.x) that hold these limits, set per connection. */
interface ReceiverFields {
  _maxPayload: number;
  _maxBufferedChunks: number;
  _maxFragments: number;
  _allowSynchronousEvents: boolean;
}

/**
 * Sets the limits of one connection's receiver. `ws` takes them from its
 * server for every connection and offers no per-connection setter, so the
 * receiver's fields are set: tight before authentication, the gateway's
 * after. A `ws` without them stops here with one sentence, never silently.
 */
export function setReceiverLimits(socket: WebSocket, limits: ReceiverLimits): void {
  const receiver = (socket as unknown as { _receiver?: ReceiverFields })._receiver;
  if (
    typeof receiver?._maxPayload !== 'number' ||
    typeof receiver._maxBufferedChunks !== 'number' ||
    typeof receiver._maxFragments !== 'number' ||
    typeof receiver._allowSynchronousEvents !== 'boolean'
  ) {
    throw new Error('secure-ws: this version of ws has no per-connection receiver limits.');
  }
  receiver._maxPayload = limits.maxPayload;
  receiver._maxBufferedChunks = limits.maxBufferedChunks;
  receiver._maxFragments = limits.maxFragments;
  receiver._allowSynchronousEvents = limits.allowSynchronousEvents;
}

/** The limits a gateway's server gives every connection (those of an authenticated one). */
export function serverReceiverLimits(wss: WebSocketServer): ReceiverLimits {
  const options = wss.options as Partial<ReceiverLimits>;
  return {
    maxPayload: options.maxPayload ?? 0,
    maxBufferedChunks: options.maxBufferedChunks ?? 0,
    maxFragments: options.maxFragments ?? 0,
    allowSynchronousEvents: options.allowSynchronousEvents ?? true,
  };
}
