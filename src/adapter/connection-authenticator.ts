import { type IncomingMessage } from 'node:http';
import { type Connection } from '../connection/connection.js';
import { type HandshakeRefusal } from '../connection/plugin.interface.js';
import { type GatewayServer } from './gateway-server.js';

/**
 * Decides who may open a connection. The adapter asks it once per upgrade
 * and once per new connection; until `admit` says yes (or the authenticator
 * calls `connection.open()` itself, after first-message authentication), no
 * handler and no `handleConnection` runs.
 */
export interface ConnectionAuthenticator {
  /** The ws server's `handleProtocols`: which offered subprotocol the server selects. */
  selectProtocol?(protocols: Set<string>, request: IncomingMessage): string | false;
  /** Before the upgrade; a refusal is answered with HTTP. */
  checkUpgrade?(
    request: IncomingMessage,
    server: GatewayServer,
  ): HandshakeRefusal | undefined | Promise<HandshakeRefusal | undefined>;
  /** `true`: open now. `false`: the authenticator opens or closes the connection later. */
  admit(connection: Connection): boolean | Promise<boolean>;
}

export const CONNECTION_AUTHENTICATOR = Symbol('CONNECTION_AUTHENTICATOR');

/** The default: every connection is admitted as it is. */
export class OpenAdmission implements ConnectionAuthenticator {
  admit(): boolean {
    return true;
  }
}
