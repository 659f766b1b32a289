import { type Socket } from 'node:net';
import { type Connection } from '../../../src/connection/connection.js';
import { ConnectionRegistry } from '../../../src/connection/connection-registry.js';
import { type TestApp } from '../../../src/testing/test-app.js';
import { type WsTestClient } from '../../../src/testing/ws-test-client.js';

/** The TCP socket under a test client. */
export function tcpOf(client: WsTestClient): Socket {
  return (client.socket as unknown as { _socket: Socket })._socket;
}

/** The server's connection of a test client (matched by the client's local port). */
export function serverSideOf(t: TestApp, client: WsTestClient): Connection {
  const port = tcpOf(client).localPort;
  const found = [...t.app.get(ConnectionRegistry).all()].find(
    (connection) => connection.remotePort === port,
  );
  if (!found) throw new Error('No server-side connection for this client');
  return found;
}
