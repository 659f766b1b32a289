import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { type Connection, connectionOf } from '../connection/connection.js';
import { type WsSession } from '../connection/session.js';
import { WsCloseCode, WsErrorCode } from '../errors/error-codes.js';
import { replyOf, type WsErrorReply } from '../errors/error-mapper.js';
import { type ResolvedSecureWsOptions } from '../options/secure-ws-options.interface.js';
import { SECURE_WS_OPTIONS } from '../options/secure-ws-options.token.js';
import { ConnectionIndex } from './connection-index.js';
import {
  REVOCATION_STORE,
  type Revocation,
  type RevocationStore,
} from './revocation-store.interface.js';
import { SessionTimers } from './session-timers.js';

/** The error code of a connection refused because its user has too many. */
export const TOO_MANY_CONNECTIONS = 'TOO_MANY_CONNECTIONS';

export interface RevokeOptions {
  /** Until when new sessions are refused (ms epoch). @default now + `auth.revocationTtlMs` */
  untilMs?: number;
}

function tooManyConnections(): WsErrorReply {
  return {
    code: TOO_MANY_CONNECTIONS,
    message: 'Too many connections for this user',
    closeCode: WsCloseCode.RATE_LIMITED,
    unexpected: false,
  };
}

/**
 * The authenticated sessions of this node: who is connected, the per-user
 * cap, session expiry, and revocation (by user or token id) through the
 * `RevocationStore`, which tells every node.
 */
@Injectable()
export class WsSessionRegistry implements OnModuleDestroy {
  private readonly byUser = new ConnectionIndex<string, Connection>();
  private readonly byToken = new ConnectionIndex<string, Connection>();
  /** One timer for every session's notice and expiry. */
  private readonly sessionTimers: SessionTimers;
  private readonly unsubscribe: () => void;
  /** Every connection's close listener: one function, not a closure per connection. */
  private readonly unbindClosed = (_code: number, client: unknown): void => {
    const connection = connectionOf(client);
    if (connection) this.unbind(connection);
  };

  constructor(
    @Inject(SECURE_WS_OPTIONS) private readonly options: ResolvedSecureWsOptions,
    @Inject(REVOCATION_STORE) private readonly store: RevocationStore,
  ) {
    this.unsubscribe = store.subscribe((revocation) => this.closeRevoked(revocation));
    this.sessionTimers = new SessionTimers(
      options.auth?.expiringNoticeMs ?? 60_000,
      (options.auth?.clockToleranceSec ?? 0) * 1000,
    );
  }

  /** Live authenticated connections of a user on this node, oldest first. */
  connectionsOf(userId: string): Connection[] {
    return this.byUser.list(userId);
  }

  /** Users with at least one live authenticated connection on this node. */
  users(): string[] {
    return this.byUser.keys();
  }

  /** Closes the user's sessions (SESSION_REVOKED, 4403) on every node and refuses new ones until `untilMs`. */
  revokeUser(userId: string, options: RevokeOptions = {}): Promise<void> {
    return this.store.revokeUser(userId, this.until(options));
  }

  /** Closes the sessions of a token id (`jti`) on every node and refuses it until `untilMs`. */
  revokeToken(tokenId: string, options: RevokeOptions = {}): Promise<void> {
    return this.store.revokeToken(tokenId, this.until(options));
  }

  /**
   * Checks a new session against revocations and the per-user cap and, when
   * it may proceed, binds it to the connection. Answers the refusal otherwise.
   */
  admit(connection: Connection, session: WsSession): WsErrorReply | undefined {
    const refusal = this.refusalOf(session);
    if (refusal) return refusal;
    const auth = this.options.auth;
    if (
      auth?.maxConnectionsPerUser !== undefined &&
      this.byUser.count(session.userId) >= auth.maxConnectionsPerUser
    ) {
      if (auth.whenOverUserLimit === 'refuse-newest') return tooManyConnections();
      const oldest = this.byUser.oldest(session.userId);
      oldest?.closeWith(
        replyOf(WsErrorCode.SESSION_REVOKED, { message: 'Replaced by a newer connection' }),
      );
      if (oldest) this.unbind(oldest);
    }
    this.bind(connection, session);
    return undefined;
  }

  /** Whether a session for this user may open a connection now (used before the upgrade). */
  refusalOf(session: WsSession): WsErrorReply | undefined {
    if (this.store.isRevoked(session.userId, session.tokenId)) {
      return replyOf(WsErrorCode.SESSION_REVOKED);
    }
    const auth = this.options.auth;
    const live = this.byUser.count(session.userId);
    if (
      auth?.maxConnectionsPerUser !== undefined &&
      auth.whenOverUserLimit === 'refuse-newest' &&
      live >= auth.maxConnectionsPerUser
    ) {
      return tooManyConnections();
    }
    return undefined;
  }

  /** Replaces a connection's session with a refreshed one of the same user. */
  refresh(connection: Connection, session: WsSession): WsErrorReply | undefined {
    if (this.store.isRevoked(session.userId, session.tokenId))
      return replyOf(WsErrorCode.SESSION_REVOKED);
    this.byToken.delete(connection.session?.tokenId, connection);
    this.track(connection, session);
    return undefined;
  }

  onModuleDestroy(): void {
    this.unsubscribe();
    this.sessionTimers.clear();
  }

  private bind(connection: Connection, session: WsSession): void {
    this.track(connection, session);
    this.byUser.add(session.userId, connection);
    connection.onClose(this.unbindClosed);
  }

  private track(connection: Connection, session: WsSession): void {
    const armedFor = connection.session?.expiresAt;
    connection.setSession(session);
    if (session.tokenId !== undefined) this.byToken.add(session.tokenId, connection);
    this.sessionTimers.arm(connection, session.expiresAt, armedFor);
  }

  private unbind(connection: Connection): void {
    this.sessionTimers.cancel(connection);
    this.byUser.delete(connection.session?.userId, connection);
    this.byToken.delete(connection.session?.tokenId, connection);
  }

  private closeRevoked(revocation: Revocation): void {
    const affected =
      revocation.kind === 'user'
        ? this.byUser.list(revocation.userId)
        : this.byToken.list(revocation.tokenId);
    for (const connection of affected) {
      connection.logger.info({ revoked: revocation.kind }, 'Session revoked');
      connection.closeWith(replyOf(WsErrorCode.SESSION_REVOKED));
      this.unbind(connection);
    }
  }

  private until(options: RevokeOptions): number {
    return options.untilMs ?? Date.now() + (this.options.auth?.revocationTtlMs ?? 86_400_000);
  }
}
