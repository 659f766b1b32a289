import { type Connection } from '../connection/connection.js';
import { WsErrorCode } from '../errors/error-codes.js';
import { replyOf } from '../errors/error-mapper.js';
import { DeadlineHeap } from './deadline-heap.js';

/** A session shorter than 3 × `expiringNoticeMs` is told a third of its life before the end. */
const NOTICE_SHARE = 3;

/**
 * How long before `expiresAt` the `session.expiring` notice goes:
 * `expiringNoticeMs`, or a third of what is left of the session when that
 * is shorter, so that a short-lived token (seconds) is noticed too.
 */
export function noticeLeadMs(expiringNoticeMs: number, expiresAt: number, now: number): number {
  return Math.min(expiringNoticeMs, Math.floor((expiresAt - now) / NOTICE_SHARE));
}

/**
 * Every authenticated connection's next session event on a registry: first
 * the `session.expiring` notice (see `noticeLeadMs`), then the expiry itself
 * (TOKEN_EXPIRED, close 4401). Refresh re-arms it; close cancels it. The
 * connections themselves are the entries of one `DeadlineHeap`: a session's
 * timer is no object of its own, and its times are read from the session
 * (`expiresAt`) and the heap (the deadline).
 */
export class SessionTimers {
  private readonly deadlines = new DeadlineHeap<Connection>(
    (connection, deadline) => this.fire(connection, deadline),
    (error, connection) => this.fireFailed(error, connection),
  );

  constructor(
    private readonly expiringNoticeMs: number,
    /** The clock tolerance: a token the verifier admitted within it is not closed before it ends. */
    private readonly graceMs = 0,
  ) {}

  /**
   * (Re)arms the connection's timer for its session ending at `expiresAt`
   * (`undefined`: never). `armedFor` is the end it was armed for before
   * (its previous session's): while the timer still runs for that same
   * end, it is left as it is, so a refresh to a token of the same `exp`
   * neither moves the notice nor sends it twice.
   */
  arm(connection: Connection, expiresAt: number | undefined, armedFor: number | undefined): void {
    if (expiresAt === undefined) {
      this.deadlines.cancel(connection);
      return;
    }
    if (expiresAt === armedFor && connection.deadlineIndex !== -1) return;
    const now = Date.now();
    const noticeAt = expiresAt - noticeLeadMs(this.expiringNoticeMs, expiresAt, now);
    this.deadlines.schedule(connection, noticeAt > now ? noticeAt : expiresAt + this.graceMs);
  }

  cancel(connection: Connection): void {
    this.deadlines.cancel(connection);
  }

  /** Stops every timer. */
  clear(): void {
    this.deadlines.clear();
  }

  /** A deadline came: the notice when it is before the end (and its grace), else the expiry. */
  private fire(connection: Connection, deadline: number): void {
    const expiresAt = connection.session?.expiresAt;
    if (expiresAt === undefined) return;
    const endsAt = expiresAt + this.graceMs;
    if (deadline < endsAt) {
      connection.push('session.expiring', { expiresAt });
      this.deadlines.schedule(connection, endsAt);
    } else {
      connection.debug('Session expired');
      connection.closeWith(replyOf(WsErrorCode.TOKEN_EXPIRED));
    }
  }

  /** `fire` threw: the session is not left open past its events; the socket is cut. */
  private fireFailed(error: unknown, connection: Connection): void {
    connection.logger.error({ err: error }, 'Session timer failed');
    connection.cut();
  }
}
