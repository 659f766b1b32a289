import { type Provider } from '@nestjs/common';
import { type Logger } from 'pino';
import { CONNECTION_AUTHENTICATOR, OpenAdmission } from '../adapter/connection-authenticator.js';
import { WsBus } from '../bus/ws-bus.interface.js';
import { resolveRootLogger } from '../logging/root-logger.js';
import { type ResolvedSecureWsOptions } from '../options/secure-ws-options.interface.js';
import { SECURE_WS_OPTIONS } from '../options/secure-ws-options.token.js';
import { BusRevocationStore } from './bus-revocation-store.js';
import { InMemoryRevocationStore } from './in-memory-revocation-store.js';
import { JwtConnectionAuthenticator } from './jwt-connection-authenticator.js';
import { JwtVerifier } from './jwt-verifier.js';
import { REVOCATION_STORE } from './revocation-store.interface.js';
import { WsSessionRegistry } from './ws-session-registry.js';

function authenticatorFor(options: ResolvedSecureWsOptions, sessions: WsSessionRegistry) {
  if (!options.auth) return new OpenAdmission();
  let logger: Logger | undefined;
  return new JwtConnectionAuthenticator(
    options.auth,
    new JwtVerifier(options.auth),
    sessions,
    () => {
      logger ??= resolveRootLogger(options.logger);
      return logger;
    },
    options.preAuth.maxFrames,
  );
}

/** The module's authentication providers: JWT admission when `auth` is set, open admission otherwise. */
export const authProviders: Provider[] = [
  {
    provide: REVOCATION_STORE,
    useFactory: (options: ResolvedSecureWsOptions, bus: WsBus) =>
      options.auth?.revocationStore ??
      (bus.capabilities.shared
        ? new BusRevocationStore(
            bus,
            resolveRootLogger(options.logger).child({ component: 'auth' }),
          )
        : new InMemoryRevocationStore()),
    inject: [SECURE_WS_OPTIONS, WsBus],
  },
  WsSessionRegistry,
  {
    provide: CONNECTION_AUTHENTICATOR,
    useFactory: authenticatorFor,
    inject: [SECURE_WS_OPTIONS, WsSessionRegistry],
  },
];
