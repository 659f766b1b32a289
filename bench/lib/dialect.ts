/**
 * What the load generator says on the wire to each kind of server.
 *
 * raw ws, stock Nest and the module speak JSON envelopes
 * (`{"event","data","id"}`). Socket.IO speaks its own protocol (Engine.IO v4
 * packets carrying Socket.IO v5 packets over a WebSocket): the generator sends
 * the same frames socket.io-client sends (`42<ack id>["echo",{...}]`, answered
 * by the server's ack `43<ack id>[...]`), written by string concatenation like
 * the envelopes, so that the generator, not the client library, stays cheap
 * (socket.io-client costs more CPU per message than the server under test,
 * and the generator would set the rate). The connection set-up is the same
 * as socket.io-client's: the WebSocket transport straight away
 * (`transports: ['websocket']`), the server's open packet `0{...}`, then the
 * CONNECT packet `40` carrying `auth: { token }`, answered `40{"sid":...}`.
 * The server's pings (`2`) are answered (`3`) and never count as replies.
 */
import type { WebSocket } from 'ws';
import { BROADCAST_ROOM, echoFrame as envelopeEcho, profileFrame } from './messages.js';
import type { ServerKind } from './protocol.js';
import { WS_PATH } from './protocol.js';

export interface Dialect {
  /** The WebSocket URL of a server on `port`. */
  url(port: number): string;
  /** Headers of the upgrade request for a connection carrying `token` (envelope servers). */
  headers(token: string | undefined): Record<string, string> | undefined;
  /** What must happen after the WebSocket opened before the connection can be used. */
  ready(ws: WebSocket, token: string | undefined, timeoutMs: number): Promise<void>;
  /** Frames of the server itself (pings), never replies. */
  isControl(data: Buffer): boolean;
  echoFrame(seq: number): string;
  /** An echo request whose text is `bytes` long (stalled reader). */
  bigEchoFrame(bytes: number): (seq: number) => string;
  profileFrame(seq: number): string;
  joinFrame(seq: number, room: string): string;
  broadcastFrame(round: number): string;
  roomSendFrame(room: string, text: string): string;
  /** Whether `data` is the right answer to request `seq` (events: the reply's event name or mark). */
  replyCheck(kind: 'echo' | 'profile'): (data: Buffer, seq: number) => boolean;
  /** The reply to a join request `seq`: true when joined, false for another answer, undefined when not it. */
  joined(data: Buffer, seq: number): boolean | undefined;
  /** A server-sent event as `{ event, data }`, or undefined. */
  event(data: Buffer): { event: string; data: unknown } | undefined;
}

const ID_MARK = Buffer.from('"id":"');
const QUOTE = 0x22;

/** Id of an envelope reply as a number, -1 when the reply has none, -2 when it is not numeric. */
function envelopeId(data: Buffer): number {
  const at = data.indexOf(ID_MARK);
  if (at === -1) return -1;
  let n = 0;
  let i = at + ID_MARK.length;
  if (i >= data.length || data[i] === QUOTE) return -2;
  for (; i < data.length; i++) {
    const c = data[i] as number;
    if (c === QUOTE) return n;
    if (c < 0x30 || c > 0x39) return -2;
    n = n * 10 + (c - 0x30);
  }
  return -2;
}

const envelope: Dialect = {
  url: (port) => `ws://127.0.0.1:${port}${WS_PATH}`,
  headers: (token) => (token ? { Authorization: `Bearer ${token}` } : undefined),
  ready: () => Promise.resolve(),
  isControl: () => false,
  echoFrame: envelopeEcho,
  bigEchoFrame: (bytes) => {
    const head = `{"event":"echo","data":{"text":"${'x'.repeat(bytes)}"},"id":"`;
    return (seq) => `${head}${seq}"}`;
  },
  profileFrame,
  joinFrame: (seq, room) => `{"event":"room.join","data":{"room":"${room}"},"id":"${seq}"}`,
  broadcastFrame: (round) =>
    `{"event":"broadcast","data":{"room":"${BROADCAST_ROOM}","text":"hello","round":${round}}}`,
  roomSendFrame: (room, text) => `{"event":"room.send","data":{"room":"${room}","text":"${text}"}}`,
  replyCheck: (kind) => {
    const mark = Buffer.from(`"event":"${kind === 'echo' ? 'echo' : 'profile.updated'}"`);
    return (data, seq) => {
      const id = envelopeId(data);
      return data.indexOf(mark) !== -1 && (id === -1 || id === seq);
    };
  },
  joined: (data, seq) => {
    const frame = JSON.parse(data.toString()) as { event?: string; id?: string };
    if (frame.id !== String(seq)) return undefined;
    return frame.event === 'room.joined';
  },
  event: (data) => {
    const frame = JSON.parse(data.toString()) as { event?: unknown; data?: unknown };
    return typeof frame.event === 'string' ? { event: frame.event, data: frame.data } : undefined;
  },
};

/** Engine.IO packet types (first character) and Socket.IO packet types (second). */
const PING = 0x32; // '2'
const MESSAGE = 0x34; // '4'
const ACK = 0x33; // '3'
const EVENT = 0x32; // '2'
const BRACKET = 0x5b; // '['

/** Ack id of a `43<id>[...]` packet, -1 when `data` is not an ack. */
function ackId(data: Buffer): number {
  if (data[0] !== MESSAGE || data[1] !== ACK) return -1;
  let n = 0;
  for (let i = 2; i < data.length; i++) {
    const c = data[i] as number;
    if (c === BRACKET) return n;
    if (c < 0x30 || c > 0x39) return -1;
    n = n * 10 + (c - 0x30);
  }
  return -1;
}

const SIO_ECHO_TAIL = '["echo",{"text":"hello"}]';
const SIO_PROFILE_TAIL =
  '["profile.update",{"email":"ada@example.com","displayName":"Ada Lovelace"}]';

/** Waits for the open packet, sends CONNECT (with `auth`), waits for the CONNECT answer. */
function socketIoReady(ws: WebSocket, token: string | undefined, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.off('message', onMessage);
      reject(new Error('Socket.IO CONNECT not answered in time'));
    }, timeoutMs);
    const onMessage = (raw: Buffer) => {
      const text = raw.toString();
      if (text.startsWith('0{')) {
        ws.send(token ? `40{"token":"${token}"}` : '40');
        return;
      }
      if (text.startsWith('40')) {
        clearTimeout(timer);
        ws.off('message', onMessage);
        resolve();
      } else if (text.startsWith('44')) {
        clearTimeout(timer);
        ws.off('message', onMessage);
        reject(new Error(`Socket.IO CONNECT refused: ${text.slice(0, 200)}`));
      }
    };
    ws.on('message', onMessage);
    // A ping answered for the whole life of the connection (pingInterval 25 s).
    ws.on('message', (raw: Buffer) => {
      if (raw.length === 1 && raw[0] === PING) ws.send('3');
    });
  });
}

const socketIo: Dialect = {
  url: (port) => `ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`,
  headers: () => undefined,
  ready: socketIoReady,
  isControl: (data) => data[0] !== MESSAGE,
  echoFrame: (seq) => `42${seq}${SIO_ECHO_TAIL}`,
  bigEchoFrame: (bytes) => {
    const tail = `["echo",{"text":"${'x'.repeat(bytes)}"}]`;
    return (seq) => `42${seq}${tail}`;
  },
  profileFrame: (seq) => `42${seq}${SIO_PROFILE_TAIL}`,
  joinFrame: (seq, room) => `42${seq}["room.join",{"room":"${room}"}]`,
  broadcastFrame: (round) =>
    `42["broadcast",{"room":"${BROADCAST_ROOM}","text":"hello","round":${round}}]`,
  roomSendFrame: (room, text) => `42["room.send",{"room":"${room}","text":"${text}"}]`,
  replyCheck: (kind) => {
    const mark = Buffer.from(kind === 'echo' ? '"text":"hello"' : '"status":"ok"');
    return (data, seq) => ackId(data) === seq && data.indexOf(mark) !== -1;
  },
  joined: (data, seq) => {
    if (ackId(data) !== seq) return undefined;
    return data.indexOf('"status":"ok"') !== -1;
  },
  event: (data) => {
    if (data[0] !== MESSAGE || data[1] !== EVENT) return undefined;
    const packet = JSON.parse(data.subarray(2).toString()) as unknown[];
    return typeof packet[0] === 'string' ? { event: packet[0], data: packet[1] } : undefined;
  },
};

export function dialectOf(kind: ServerKind): Dialect {
  return kind === 'socketio' ? socketIo : envelope;
}
