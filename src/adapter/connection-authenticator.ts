import { type IncomingMessage } from 'node:http';
import { type Connection } from '../connection/connection.js';
import { type SecureWsPlugin } from '../connection/plugin.interface.js';

/**
 * Decides who may open a connection: a plugin (its `checkHandshake` runs
 * with the others, before the upgrade) that the adapter also asks once per
 * new connection. Until `admit` says yes (or the authenticator calls
 * `connection.open()` itself, after first-message authentication), no
 * handler and no `handleConnection` runs.
 */
export interface ConnectionAuthenticator extends SecureWsPlugin {
  /** The ws server's `handleProtocols`: which offered subprotocol the server selects. */
  selectProtocol?(protocols: Set<string>, request: IncomingMessage): string | false;
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
