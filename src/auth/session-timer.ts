import { type Connection } from '../connection/connection.js';
import { type SessionClock } from '../connection/session.js';
import { WsErrorCode } from '../errors/error-codes.js';
import { replyOf } from '../errors/error-mapper.js';
import { type Deadline, DeadlineHeap } from './deadline-heap.js';

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

/** What every session timer of a registry shares: the notice lead, the clock tolerance, one heap. */
export class SessionTimers {
  readonly deadlines = new DeadlineHeap<SessionTimer>(
    (timer) => timer.fire(),
    (error, timer) => timer.fireFailed(error),
  );

  constructor(
    readonly expiringNoticeMs: number,
    /** The clock tolerance: a token the verifier admitted within it is not closed before it ends. */
    readonly graceMs = 0,
  ) {}

  /** A connection's timer, not armed yet. */
  timerOf(connection: Connection): SessionTimer {
    return new SessionTimer(connection, this);
  }

  /** Stops every timer. */
  clear(): void {
    this.deadlines.clear();
  }
}

/**
 * An authenticated connection's next session event: first the
 * `session.expiring` notice (see `noticeLeadMs`), then the expiry itself
 * (TOKEN_EXPIRED, close 4401). Refresh re-arms it; close clears it. It is
 * one entry of its registry's `DeadlineHeap`, not a timer of its own.
 */
export class SessionTimer implements Deadline, SessionClock {
  deadline = 0;
  heapIndex = -1;
  /** The `expiresAt` it was last armed for (0: never); the notice time below was fixed for it. */
  private expiresAt = 0;
  private noticeSentFor: number | undefined;
  private noticeAt = 0;

  constructor(
    private readonly connection: Connection,
    private readonly timers: SessionTimers,
  ) {}

  arm(expiresAt: number | undefined): void {
    this.clear();
    if (expiresAt === undefined) return;
    const now = Date.now();
    if (this.expiresAt !== expiresAt) {
      this.expiresAt = expiresAt;
      this.noticeAt = expiresAt - noticeLeadMs(this.timers.expiringNoticeMs, expiresAt, now);
    }
    const noticeDue = this.noticeSentFor !== expiresAt && this.noticeAt > now;
    this.timers.deadlines.schedule(
      this,
      noticeDue ? this.noticeAt : expiresAt + this.timers.graceMs,
    );
  }

  clear(): void {
    this.timers.deadlines.cancel(this);
  }

  /** Its deadline came (the heap calls it). */
  /** `fire` threw: the session is not left open past its events; the socket is cut. */
  fireFailed(error: unknown): void {
    this.connection.logger.error({ err: error }, 'Session timer failed');
    this.connection.cut();
  }

  fire(): void {
    const expiresAt = this.expiresAt;
    if (this.deadline < expiresAt + this.timers.graceMs) {
      this.noticeSentFor = expiresAt;
      this.connection.push('session.expiring', { expiresAt });
      this.arm(expiresAt);
    } else {
      this.connection.debug('Session expired');
      this.connection.closeWith(replyOf(WsErrorCode.TOKEN_EXPIRED));
    }
  }
}
