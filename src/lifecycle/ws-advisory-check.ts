import { createRequire } from 'node:module';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { type Logger } from 'pino';
import { resolveRootLogger } from '../logging/root-logger.js';
import { type ResolvedSecureWsOptions } from '../options/secure-ws-options.interface.js';
import { SECURE_WS_OPTIONS } from '../options/secure-ws-options.token.js';
import { advisoriesOf } from './ws-advisories.js';

/**
 * The version of the `ws` resolved from `from` (a file URL or path); by
 * default the copy this module runs on, which npm may share with the app.
 */
export function resolvedWsVersion(from: string = import.meta.url): string {
  return (createRequire(from)('ws/package.json') as { version: string }).version;
}

/** Logs one warning per known advisory of this `ws` version; returns how many. */
export function warnOfWsAdvisories(logger: Logger, version: string): number {
  const advisories = advisoriesOf(version);
  for (const advisory of advisories) {
    logger.warn(
      { ws: version, advisory: advisory.id, fixedIn: advisory.fixed },
      `ws ${version} has a known advisory (${advisory.id}: ${advisory.summary}); install ws ${advisory.fixed} or newer (npm install ws@^${advisory.fixed}, or an "overrides" entry)`,
    );
  }
  return advisories.length;
}

/**
 * At start-up, warns once for each known advisory of the `ws` version the
 * module runs on, with the version that fixes it.
 */
@Injectable()
export class WsAdvisoryCheck implements OnApplicationBootstrap {
  constructor(@Inject(SECURE_WS_OPTIONS) private readonly options: ResolvedSecureWsOptions) {}

  onApplicationBootstrap(): void {
    warnOfWsAdvisories(resolveRootLogger(this.options.logger), resolvedWsVersion());
  }
}
