import { type Duplex } from 'node:stream';
import { type WebSocket } from 'ws';

/**
 * The one error every cut socket is destroyed with. Node fails each write
 * still queued on a destroyed stream with the stream's error; without one it
 * builds a new `ERR_STREAM_DESTROYED` (and its stack) per queued write, which
 * for a peer that stopped reading is tens of thousands of errors in one tick.
 */
const CUT = new Error('Connection cut by the server');

/**
 * Ends a connection at once, whatever it has queued: the TCP socket is
 * destroyed with one shared error, then `ws` learns of it (close 1006). Use
 * it instead of `WebSocket.terminate()`, which destroys without an error.
 */
export function cutSocket(socket: WebSocket, transport: Duplex): void {
  if (!transport.destroyed) transport.destroy(CUT);
  socket.terminate();
}
