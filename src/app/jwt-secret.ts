import { type Logger } from 'pino';
import { type AppConfig } from './config.js';
import { devJwtSecret } from './dev-jwt-secret.js';
import { signToken } from './token.js';

/**
 * The config with a JWT secret: JWT_SECRET when set (`loadConfig` already
 * refused a short or, in production, missing one); in development the secret
 * of `config.devSecretFile`, made on first use and shared with
 * `npm run token`, with a sample token logged to try `/ws` with.
 */
export function withJwtSecret(
  config: AppConfig,
  logger: Logger,
): AppConfig & { jwtSecret: string } {
  if (config.jwtSecret) return { ...config, jwtSecret: config.jwtSecret };
  const { secret: jwtSecret, created } = devJwtSecret(config.devSecretFile);
  logger.warn(
    {
      secretFile: config.devSecretFile,
      sampleToken: signToken(jwtSecret, { sub: 'dev-user', ttlSeconds: 3600 }),
    },
    created
      ? 'JWT_SECRET is not set: wrote a development secret to secretFile (git-ignored), which `npm run token` uses too; sampleToken is valid for 1 h (sub dev-user)'
      : 'JWT_SECRET is not set: using the development secret in secretFile, which `npm run token` uses too; sampleToken is valid for 1 h (sub dev-user)',
  );
  return { ...config, jwtSecret };
}
