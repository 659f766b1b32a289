import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

/** The development JWT secret, and whether this call made it. */
export interface DevJwtSecret {
  readonly secret: string;
  readonly created: boolean;
}

/**
 * The secret the reference app and `npm run token` share in development when
 * JWT_SECRET is not set: read from `path` (`.dev-jwt-secret`, git-ignored), or
 * made (32 random bytes) and written there with mode 0600 by whichever of the
 * two runs first.
 */
export function devJwtSecret(path: string): DevJwtSecret {
  const secret = randomBytes(32).toString('base64url');
  try {
    writeFileSync(path, `${secret}\n`, { flag: 'wx', mode: 0o600 });
    return { secret, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const existing = readFileSync(path, 'utf8').trim();
  if (Buffer.byteLength(existing) < 32) {
    throw new Error(
      `${path} must hold a secret of at least 32 bytes; delete it to make a new one.`,
    );
  }
  return { secret: existing, created: false };
}
