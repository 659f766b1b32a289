import { SetMetadata } from '@nestjs/common';
import { type RateLimitRule } from './token-bucket.js';

export const RATE_LIMIT_METADATA = 'secure-ws:rate-limit';

/**
 * Gives one message handler its own per-connection rate limit, replacing
 * `protection.messageRate` for that event; `false` exempts it from every
 * message limit (connection and user). Read once per handler at start-up,
 * never per message.
 *
 * ```ts
 * @RateLimit({ points: 5, durationMs: 60_000 })
 * @SubscribeMessage('room.create')
 * createRoom() {}
 * ```
 */
export const RateLimit = (rule: RateLimitRule | false) => SetMetadata(RATE_LIMIT_METADATA, rule);
