import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { type SecureWsPlugin } from '../connection/plugin.interface.js';
import { type WsConnection } from '../connection/ws-connection.interface.js';
import { WsCloseCode, WsErrorCode } from '../errors/error-codes.js';
import { replyOf, type WsErrorReply } from '../errors/error-mapper.js';
import { type InboundFrame } from '../frames/frame.js';
import { BoundedMap } from './bounded-map.js';
import { type ResolvedProtectionOptions } from './protection-options.interface.js';
import { PROTECTION_OPTIONS } from './protection-options.token.js';
import { collectRateLimitRules, handlerKey } from './rate-limit-rules.js';
import { type RateLimitRule, TokenBucket } from './token-bucket.js';

/** One connection's buckets and its recent refusals. */
class ConnectionLimits {
  readonly byEvent = new Map<string, TokenBucket>();
  refusals = 0;
  windowStart = 0;
  constructor(readonly messages: TokenBucket | undefined) {}
}

/**
 * Message rate limits, checked synchronously before each handler: per
 * connection (or per handler with `@RateLimit()`), then per user. A refusal
 * is RATE_LIMITED with `retryAfterMs`; too many refusals in a window close
 * the connection 4429.
 */
@Injectable()
export class MessageRateLimiter implements SecureWsPlugin, OnModuleInit {
  private readonly connections = new WeakMap<WsConnection, ConnectionLimits>();
  private readonly users: BoundedMap<string, TokenBucket>;
  private rules: Map<string, RateLimitRule | false> | undefined;

  constructor(
    @Inject(PROTECTION_OPTIONS) private readonly options: ResolvedProtectionOptions,
    private readonly modules: ModulesContainer,
  ) {
    this.users = new BoundedMap(options.maxTrackedKeys);
  }

  /** Reads every handler's `@RateLimit()` once, at start-up, so a bad rule stops the app. */
  onModuleInit(): void {
    this.rules = collectRateLimitRules(this.modules);
  }

  beforeMessage(connection: WsConnection, frame: InboundFrame): WsErrorReply | undefined {
    // Unknown events are not counted (answered UNKNOWN_EVENT); while a
    // connection authenticates, no handler is bound yet and every frame counts.
    if (connection.state === 'open' && !connection.handles(frame.event)) return undefined;
    const rules = this.rules;
    const key = rules?.size ? handlerKey(connection.server.path, frame.event) : '';
    const rule = key ? rules?.get(key) : undefined;
    if (rule === false) return undefined;
    const limits = this.limitsOf(connection);
    let waitMs = this.connectionBucket(limits, key, rule)?.take() ?? 0;
    const userRate = this.options.userMessageRate;
    const userId = connection.session?.userId;
    if (waitMs === 0 && userRate && userId !== undefined) {
      waitMs = this.users.getOrCreate(userId, () => new TokenBucket(userRate)).take();
    }
    return waitMs === 0 ? undefined : this.refuse(limits, waitMs);
  }

  /** Frames that reach no handler take from the connection's shared bucket. */
  onRefusedFrame(connection: WsConnection): WsErrorReply | undefined {
    const limits = this.limitsOf(connection);
    const waitMs = limits.messages?.take() ?? 0;
    return waitMs === 0 ? undefined : this.refuse(limits, waitMs);
  }

  private limitsOf(connection: WsConnection): ConnectionLimits {
    let limits = this.connections.get(connection);
    if (!limits) {
      const rate = this.options.messageRate;
      limits = new ConnectionLimits(rate ? new TokenBucket(rate) : undefined);
      this.connections.set(connection, limits);
    }
    return limits;
  }

  /** The bucket of this connection the event counts against: its handler's own, or the shared one. */
  private connectionBucket(
    limits: ConnectionLimits,
    key: string,
    rule: RateLimitRule | undefined,
  ): TokenBucket | undefined {
    if (rule === undefined) return limits.messages;
    let bucket = limits.byEvent.get(key);
    if (!bucket) {
      bucket = new TokenBucket(rule);
      limits.byEvent.set(key, bucket);
    }
    return bucket;
  }

  private refuse(limits: ConnectionLimits, retryAfterMs: number): WsErrorReply {
    const reply = replyOf(WsErrorCode.RATE_LIMITED, { retryAfterMs });
    const abuse = this.options.abuse;
    if (!abuse) return reply;
    const now = Date.now();
    if (now - limits.windowStart > abuse.windowMs) {
      limits.windowStart = now;
      limits.refusals = 0;
    }
    limits.refusals += 1;
    return limits.refusals >= abuse.maxRefusals
      ? { ...reply, closeCode: WsCloseCode.RATE_LIMITED }
      : reply;
  }
}
