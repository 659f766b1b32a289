import { type Provider } from '@nestjs/common';
import { type ResolvedSecureWsOptions } from '../options/secure-ws-options.interface.js';
import { SECURE_WS_OPTIONS } from '../options/secure-ws-options.token.js';
import { HandshakeGuard } from './handshake-guard.js';
import { MessageRateLimiter } from './message-rate-limiter.js';
import { PROTECTION_OPTIONS } from './protection-options.token.js';

/** The protection plugins, in the order they check. */
export const protectionPlugins = [HandshakeGuard, MessageRateLimiter];

export const protectionProviders: Provider[] = [
  {
    provide: PROTECTION_OPTIONS,
    useFactory: (options: ResolvedSecureWsOptions) => options.protection,
    inject: [SECURE_WS_OPTIONS],
  },
  ...protectionPlugins,
];
