import { randomBytes } from 'node:crypto';
import { type Logger } from 'pino';
import { type AppConfig } from './config.js';
import { signToken } from './token.js';

/**
 * The config with a JWT secret: JWT_SECRET when set (`loadConfig` already
 * refused a short or, in production, missing one); in development a random
 * secret for this process, with a sample token logged to try `/ws` with.
 */
export function withJwtSecret(
  config: AppConfig,
  logger: Logger,
): AppConfig & { jwtSecret: string } {
  if (config.jwtSecret) return { ...config, jwtSecret: config.jwtSecret };
  const jwtSecret = randomBytes(32).toString('base64url');
  logger.warn(
    { sampleToken: signToken(jwtSecret, { sub: 'dev-user', ttlSeconds: 3600 }) },
    'JWT_SECRET is not set: using a random secret for this process; sampleToken is valid for 1 h (sub dev-user)',
  );
  return { ...config, jwtSecret };
}
