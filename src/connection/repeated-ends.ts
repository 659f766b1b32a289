import { type Writable } from 'node:stream';
import { type WebSocket } from 'ws';

/**
 * `end()` with no argument on a stream already ending: Node's `Writable`
 * does nothing then, except build an `ERR_STREAM_ALREADY_FINISHED` (or
 * `ERR_STREAM_DESTROYED`) error that it drops. Anything else goes to the
 * stream's own `end`. One function for every stream (the stream is `this`).
 */
function endUnlessEnding(this: Writable, ...args: unknown[]): Writable {
  if (args.length === 0 && this.writableEnded && !this.writableCorked) return this;
  const end = (Object.getPrototypeOf(this) as Writable).end as (...args: unknown[]) => Writable;
  return end.apply(this, args);
}

/** The streams of `ws` (8.x) that it ends more than once. */
interface WebSocketStreams {
  _socket?: Writable;
  _receiver?: Writable;
}

/**
 * After a closing handshake `ws` ends streams that are already ended: its
 * receiver ends itself at the close frame and is ended again when the
 * peer's FIN arrives and when the socket closes, and the socket, ended once
 * both close frames are through, is ended again at that FIN. Each of these
 * calls builds an error object that nobody reads, about a tenth of the CPU
 * of an open and close (see BENCHMARKS.md, Handshakes). Here they return at
 * once; `end()` keeps its behaviour everywhere else (with a chunk or a
 * callback, on a corked stream, on one not yet ending).
 */
export function skipRepeatedEnds(client: WebSocket): void {
  const streams = client as unknown as WebSocketStreams;
  skipOn(streams._receiver);
  skipOn(streams._socket);
}

function skipOn(stream: Writable | undefined): void {
  if (stream && !Object.hasOwn(stream, 'end')) stream.end = endUnlessEnding;
}
