import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { isObservable, Observable, tap } from 'rxjs';
import { type SecureWsPlugin, type WsFrameHandler } from '../connection/plugin.interface.js';
import { type WsConnection } from '../connection/ws-connection.interface.js';
import { DEFAULT_MESSAGE_OF, WsErrorCode } from '../errors/error-codes.js';
import { mapError } from '../errors/error-mapper.js';
import { SecureWsException } from '../errors/secure-ws.exception.js';
import { type InboundFrame, type OutboundMessage } from '../frames/frame.js';
import { isOutboundMessage } from '../frames/outbound-message.js';
import { type ResolvedSecureWsOptions } from '../options/secure-ws-options.interface.js';
import { SECURE_WS_OPTIONS } from '../options/secure-ws-options.token.js';
import {
  IDEMPOTENCY_STORE,
  type IdempotencyRecord,
  type IdempotencyStore,
  type IdempotentOutcome,
  type StoredError,
} from './idempotency-store.interface.js';
import { ReplayedErrorException } from './replayed-error.js';

/** Claims tried for one request before it is answered UNAVAILABLE (claims lapsing under it). */
const MAX_CLAIM_ATTEMPTS = 3;
const RETRY_AFTER_MS = 1000;

function replyOf(value: unknown, event: string): OutboundMessage {
  return isOutboundMessage(value)
    ? { event: value.event, data: value.data }
    : { event, data: value };
}

function storedError(error: unknown): StoredError {
  const { code, message, details, retryAfterMs, closeCode } = mapError(error);
  return { code, message, details, retryAfterMs, closeCode };
}

function unavailable(): SecureWsException {
  return new SecureWsException(WsErrorCode.UNAVAILABLE, DEFAULT_MESSAGE_OF.UNAVAILABLE, {
    retryAfterMs: RETRY_AFTER_MS,
  });
}

/**
 * Makes a request that carries `idempotencyKey` run at most once per
 * gateway, user and key within the window: one wrapper around the handler
 * call. The first run's replies (or error) are stored; a repeat gets them
 * with its own `id`, waiting for them while the first still runs. Frames
 * without a key pass through untouched.
 */
@Injectable()
export class IdempotencyPlugin implements SecureWsPlugin {
  private readonly options: ResolvedSecureWsOptions['idempotency'];

  constructor(
    @Inject(SECURE_WS_OPTIONS) options: ResolvedSecureWsOptions,
    @Inject(IDEMPOTENCY_STORE) private readonly store: IdempotencyStore,
  ) {
    this.options = options.idempotency;
  }

  wrapHandler(
    connection: WsConnection,
    frame: InboundFrame,
    handler: WsFrameHandler,
  ): WsFrameHandler {
    const key = frame.idempotencyKey;
    if (key === undefined) return handler;
    return (data) => this.run(this.scopedKey(connection, key), connection, frame, handler, data);
  }

  /** Gateway path, user (or, on a gateway without authentication, the connection) and key, hashed. */
  private scopedKey(connection: WsConnection, key: string): string {
    const owner = connection.session ? `u:${connection.session.userId}` : `c:${connection.id}`;
    return createHash('sha256')
      .update(`${connection.server.path}\u0000${owner}\u0000${key}`)
      .digest('base64url');
  }

  private async run(
    key: string,
    connection: WsConnection,
    frame: InboundFrame,
    handler: WsFrameHandler,
    data: unknown,
  ): Promise<unknown> {
    const { claimTimeoutMs } = this.options;
    for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt += 1) {
      const record = await this.reach(() => this.store.claim(key, frame.event, claimTimeoutMs));
      if (record === undefined) return this.firstRun(key, connection, frame, handler, data);
      if (record.event !== frame.event) {
        throw new SecureWsException(
          WsErrorCode.BAD_REQUEST,
          'This idempotencyKey was used with another event',
        );
      }
      const settled = record.outcome
        ? record
        : await this.reach(() => this.store.settled(key, claimTimeoutMs));
      if (settled?.outcome) return this.replay(settled.outcome);
      // The claim lapsed without an outcome: claim again.
    }
    throw unavailable();
  }

  /** A store call; the store out of reach is answered UNAVAILABLE, and nothing runs. */
  private async reach<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch {
      throw unavailable();
    }
  }

  private async firstRun(
    key: string,
    connection: WsConnection,
    frame: InboundFrame,
    handler: WsFrameHandler,
    data: unknown,
  ): Promise<unknown> {
    let result: unknown;
    try {
      result = await handler(data, frame);
    } catch (error) {
      this.complete(key, connection, frame, { replies: [], error: storedError(error) });
      throw error;
    }
    if (!isObservable(result)) {
      this.complete(key, connection, frame, {
        replies: result === undefined ? [] : [replyOf(result, frame.event)],
      });
      return result;
    }
    const replies: OutboundMessage[] = [];
    return result.pipe(
      tap({
        next: (value) => replies.push(replyOf(value, frame.event)),
        error: (error: unknown) =>
          this.complete(key, connection, frame, {
            replies,
            stream: true,
            error: storedError(error),
          }),
        complete: () => this.complete(key, connection, frame, { replies, stream: true }),
      }),
    );
  }

  /** Stores the outcome (or that it was too large); a store failure is the repeat's problem, not this reply's. */
  private complete(
    key: string,
    connection: WsConnection,
    frame: InboundFrame,
    outcome: IdempotentOutcome,
  ): void {
    const record = this.keptRecord(frame.event, outcome);
    this.store.complete(key, record, this.options.windowMs).catch((error: unknown) => {
      // Not stored: the claim lapses after claimTimeoutMs, then a repeat runs again.
      connection.logger.warn({ err: error, event: frame.event }, 'Idempotent outcome not stored');
    });
  }

  /**
   * The record as JSON gives it back (what the client read, and what Redis
   * keeps); "not kept" when over `maxReplyBytes` or not serializable.
   */
  private keptRecord(event: string, outcome: IdempotentOutcome): IdempotencyRecord {
    try {
      const json = JSON.stringify({ event, outcome });
      if (Buffer.byteLength(json) <= this.options.maxReplyBytes) {
        return JSON.parse(json) as IdempotencyRecord;
      }
    } catch {
      // A cycle or a BigInt: the reply itself fails too; nothing to keep.
    }
    return { event, outcome: { replies: [], notKept: true } };
  }

  private replay(outcome: IdempotentOutcome): unknown {
    if (outcome.notKept) {
      throw new SecureWsException(
        WsErrorCode.BAD_REQUEST,
        'This request ran once; its reply was too large to keep for repeats',
        { details: { reason: 'REPLY_NOT_KEPT' } },
      );
    }
    const error = outcome.error && this.replayedError(outcome.error);
    if (outcome.stream) {
      return new Observable<OutboundMessage>((subscriber) => {
        for (const reply of outcome.replies) subscriber.next(reply);
        if (error) subscriber.error(error);
        else subscriber.complete();
      });
    }
    if (error) throw error;
    return outcome.replies[0];
  }

  /** INTERNAL is answered anew (a fresh `ref` in the log), every other code as it was. */
  private replayedError(error: StoredError): Error {
    return error.code === WsErrorCode.INTERNAL
      ? new SecureWsException(WsErrorCode.INTERNAL, DEFAULT_MESSAGE_OF.INTERNAL)
      : new ReplayedErrorException(error);
  }
}
