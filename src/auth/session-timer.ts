import { type Connection } from '../connection/connection.js';
import { WsErrorCode } from '../errors/error-codes.js';
import { replyOf } from '../errors/error-mapper.js';

/** setTimeout's longest delay; longer waits are re-armed. */
const MAX_DELAY_MS = 2 ** 31 - 1;
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
 * One timer per authenticated connection, armed for its next session event:
 * first the `session.expiring` notice (see `noticeLeadMs`), then the expiry
 * itself (TOKEN_EXPIRED, close 4401). Refresh re-arms it; close clears it.
 */
export class SessionTimer {
  private timer: NodeJS.Timeout | undefined;
  private noticeSentFor: number | undefined;
  /** When the notice for `expiresAt` is due, fixed when first armed for it. */
  private noticeAt: { expiresAt: number; at: number } | undefined;

  constructor(
    private readonly connection: Connection,
    private readonly expiringNoticeMs: number,
    /** The clock tolerance: a token the verifier admitted within it is not closed before it ends. */
    private readonly graceMs = 0,
  ) {}

  arm(expiresAt: number | undefined): void {
    this.clear();
    if (expiresAt === undefined) return;
    const now = Date.now();
    if (this.noticeAt?.expiresAt !== expiresAt) {
      this.noticeAt = {
        expiresAt,
        at: expiresAt - noticeLeadMs(this.expiringNoticeMs, expiresAt, now),
      };
    }
    const noticeAt = this.noticeAt.at;
    const noticeDue = this.noticeSentFor !== expiresAt && noticeAt > now;
    const at = noticeDue ? noticeAt : expiresAt + this.graceMs;
    this.timer = setTimeout(
      () => this.fire(expiresAt, at),
      Math.min(Math.max(at - now, 0), MAX_DELAY_MS),
    );
    this.timer.unref();
  }

  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private fire(expiresAt: number, at: number): void {
    this.timer = undefined;
    if (Date.now() < at) {
      this.arm(expiresAt);
    } else if (at < expiresAt + this.graceMs) {
      this.noticeSentFor = expiresAt;
      this.connection.push('session.expiring', { expiresAt });
      this.arm(expiresAt);
    } else {
      this.connection.debug('Session expired');
      this.connection.closeWith(replyOf(WsErrorCode.TOKEN_EXPIRED));
    }
  }
}
