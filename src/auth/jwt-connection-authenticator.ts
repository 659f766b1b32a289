import { type IncomingMessage } from 'node:http';
import { type Logger } from 'pino';
import { type ConnectionAuthenticator } from '../adapter/connection-authenticator.js';
import { type Connection, internalConnection } from '../connection/connection.js';
import {
  type HandshakeRefusal,
  type WsGatewayInfo,
  type WsPluginEvents,
} from '../connection/plugin.interface.js';
import { type WsSession } from '../connection/session.js';
import { type WsConnection } from '../connection/ws-connection.interface.js';
import { WsErrorCode } from '../errors/error-codes.js';
import { replyOf } from '../errors/error-mapper.js';
import { SecureWsException } from '../errors/secure-ws.exception.js';
import { type InboundFrame, type OutboundMessage } from '../frames/frame.js';
import { messageFrame } from '../frames/frame-writer.js';
import { type ResolvedAuthOptions } from './auth-options.interface.js';
import { authenticateFirst, refusalOf, tokenOfAuthFrame } from './auth-replies.js';
import { type JwtVerifier, type TokenCheck } from './jwt-verifier.js';
import { presentedToken, selectProtocol } from './token-sources.js';
import { type WsSessionRegistry } from './ws-session-registry.js';

/** The event a client authenticates and refreshes with, and its reply. */
export const AUTH_EVENT = 'auth';

/** An upgrade request with the session verified before the upgrade, if any. */
type VerifiedRequest = IncomingMessage & Record<symbol, WsSession | undefined>;

const HTTP_STATUS_OF: Readonly<Record<string, number>> = {
  [WsErrorCode.SESSION_REVOKED]: 403,
  TOO_MANY_CONNECTIONS: 429,
};

function authReply(
  session: WsSession,
): OutboundMessage<{ userId: string; expiresAt: number | null }> {
  return {
    event: AUTH_EVENT,
    data: { userId: session.userId, expiresAt: session.expiresAt ?? null },
  };
}

/** A connection without a token, until its `auth` frame or the deadline. */
interface FirstMessageWait {
  readonly deadline: NodeJS.Timeout;
  /** Frames other than `auth` answered so far. */
  unauthenticatedFrames: number;
}

/**
 * Authenticates every connection of a gateway that has not opted out
 * (`@WebSocketGateway({ auth: false })`) before any handler or
 * `handleConnection` runs: a token at connect, else a first `auth` message
 * before the deadline. Afterwards `auth` refreshes the session.
 */
export class JwtConnectionAuthenticator implements ConnectionAuthenticator {
  /**
   * The key of a session verified before the upgrade (`refuseWithHttp`) on
   * its request, picked up by `admit`; a property, not a `WeakMap.set` per
   * upgrade (see `HandshakeGuard`).
   */
  private readonly verifiedAtUpgrade = Symbol('secure-ws.verifiedAtUpgrade');
  /** Connections that presented no token and may still send `auth`. */
  private readonly awaiting = new WeakMap<WsConnection, FirstMessageWait>();
  /** `auth` on an open connection refreshes its session (a plugin event, see `events`). */
  private readonly authEvents: WsPluginEvents = {
    [AUTH_EVENT]: (connection, data) => this.refresh(internalConnection(connection), data),
  };

  constructor(
    private readonly options: ResolvedAuthOptions,
    private readonly verifier: JwtVerifier,
    private readonly sessions: WsSessionRegistry,
    /** The module's root logger, resolved on first use. */
    private readonly rootLogger: () => Logger,
    /** Frames other than `auth` answered before authentication; the next one closes 4401. */
    private readonly maxUnauthenticatedFrames = 8,
  ) {}

  events(gateway: WsGatewayInfo): WsPluginEvents | undefined {
    return gateway.auth ? this.authEvents : undefined;
  }

  selectProtocol(protocols: Set<string>): string | false {
    return selectProtocol(protocols);
  }

  checkHandshake(request: IncomingMessage, server: WsGatewayInfo): HandshakeRefusal | undefined {
    if (!this.options.refuseWithHttp || !server.auth) return undefined;
    const presented = presentedToken(request, this.options.sources);
    if (!presented) {
      return this.acceptsFirstMessage(server)
        ? undefined
        : { status: 401, code: WsErrorCode.UNAUTHENTICATED };
    }
    const check = this.verifier.verify(presented.token);
    const refusal = check.ok ? this.sessions.refusalOf(check.session) : refusalOf(check);
    if (refusal) {
      this.logRefusal(request, presented.source, check, refusal.code);
      return { status: HTTP_STATUS_OF[refusal.code] ?? 401, code: refusal.code };
    }
    if (check.ok) (request as VerifiedRequest)[this.verifiedAtUpgrade] = check.session;
    return undefined;
  }

  admit(connection: Connection): boolean {
    if (!connection.server.auth) return true;
    const atUpgrade = (connection.request as VerifiedRequest)[this.verifiedAtUpgrade];
    if (atUpgrade) return this.start(connection, { ok: true, session: atUpgrade }, 'upgrade');
    const presented = presentedToken(connection.request, this.options.sources);
    if (presented)
      return this.start(connection, this.verifier.verify(presented.token), presented.source);
    if (!this.acceptsFirstMessage(connection.server)) {
      connection.debug({ reason: 'no token' }, 'Authentication refused');
      connection.closeWith(replyOf(WsErrorCode.UNAUTHENTICATED));
      return false;
    }
    this.awaitFirstMessage(connection);
    return false;
  }

  private acceptsFirstMessage(server: WsGatewayInfo): boolean {
    return this.options.firstMessage && server.format === 'json';
  }

  /** Binds a verified session, or refuses the connection; true when it may open. */
  private start(
    connection: Connection,
    check: TokenCheck,
    source: string,
    id?: string | number,
  ): boolean {
    const refusal = check.ok ? this.sessions.admit(connection, check.session) : refusalOf(check);
    if (refusal) {
      this.logRefusal(connection, source, check, refusal.code);
      connection.closeWith(refusal, id === undefined ? undefined : AUTH_EVENT, id);
      return false;
    }
    connection.debug({ source }, 'Authenticated');
    return true;
  }

  /**
   * Frames of a connection without a token: `auth` authenticates it and
   * opens it; any other event is answered UNAUTHENTICATED; the deadline
   * closes it AUTH_TIMEOUT (4408).
   */
  private awaitFirstMessage(connection: Connection): void {
    const deadline = setTimeout(
      () => connection.closeWith(replyOf(WsErrorCode.AUTH_TIMEOUT)),
      this.options.authTimeoutMs,
    );
    deadline.unref();
    this.awaiting.set(connection, { deadline, unauthenticatedFrames: 0 });
    connection.onClose(() => this.stopWaiting(connection));
  }

  /** The frames of a connection awaiting its `auth` frame (see `awaitFirstMessage`). */
  onAdmissionFrame(member: WsConnection, frame: InboundFrame): boolean {
    const wait = this.awaiting.get(member);
    if (!wait) return false;
    const connection = internalConnection(member);
    if (frame.event !== AUTH_EVENT) {
      wait.unauthenticatedFrames += 1;
      // Counted by the plugins' beforeMessage already (the rate limiter), like every parsed frame.
      connection.fail(
        wait.unauthenticatedFrames > this.maxUnauthenticatedFrames
          ? replyOf(WsErrorCode.UNAUTHENTICATED)
          : authenticateFirst(),
        frame.event,
        frame.id,
      );
      return true;
    }
    this.stopWaiting(connection);
    const check = this.verifier.verify(tokenOfAuthFrame(frame.data));
    if (!this.start(connection, check, 'message', frame.id) || !check.ok) return true;
    const reply = authReply(check.session);
    connection.send(messageFrame(reply.event, reply.data, frame.id));
    void connection.open();
    return true;
  }

  private stopWaiting(connection: WsConnection): void {
    const wait = this.awaiting.get(connection);
    if (!wait) return;
    clearTimeout(wait.deadline);
    this.awaiting.delete(connection);
  }

  /** `auth` on an open connection: a fresh token for the same user moves the session's expiry. */
  private refresh(connection: Connection, data: unknown): OutboundMessage {
    const check = this.verifier.verify(tokenOfAuthFrame(data));
    if (!check.ok) {
      this.logRefusal(connection, 'refresh', check, check.code);
      throw new SecureWsException(check.code, refusalOf(check).message);
    }
    if (check.session.userId !== connection.session?.userId) {
      connection.logger.info('Refresh refused: token of another user');
      throw new SecureWsException(WsErrorCode.FORBIDDEN, 'Token is for another user');
    }
    const refusal = this.sessions.refresh(connection, check.session);
    if (refusal) throw new SecureWsException(refusal.code, refusal.message);
    connection.debug('Session refreshed');
    return authReply(check.session);
  }

  private logRefusal(
    target: Connection | IncomingMessage,
    source: string,
    check: TokenCheck,
    code: string,
  ): void {
    const reason = check.ok ? code : check.reason;
    if ('logger' in target) {
      target.debug({ code, reason, source }, 'Authentication refused');
    } else {
      this.rootLogger().debug(
        { code, reason, source, remote: target.socket.remoteAddress },
        'Authentication refused before the upgrade',
      );
    }
  }
}
