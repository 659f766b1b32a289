import { STATUS_CODES } from 'node:http';
import { type Duplex } from 'node:stream';
import { type HandshakeRefusal } from '../connection/plugin.interface.js';

/** Answers an upgrade request with an HTTP status and `{ "code": ... }`, then hangs up. */
export function refuseUpgrade(socket: Duplex, refusal: HandshakeRefusal): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ code: refusal.code });
  const headers = {
    Connection: 'close',
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(body)),
    ...refusal.headers,
  };
  const head = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\r\n');
  socket.end(
    `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status] ?? ''}\r\n${head}\r\n\r\n${body}`,
  );
}
