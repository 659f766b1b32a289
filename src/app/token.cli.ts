import { parseArgs } from 'node:util';
import { loadConfig } from './config.js';
import { devJwtSecret } from './dev-jwt-secret.js';
import { parseTtl, signToken } from './token.js';

/**
 * `npm run token -- --sub alice --ttl 15m [--claims '{"roles":["admin"]}']`
 * prints a token signed with JWT_SECRET (from the environment or `.env`), or
 * in development without it, with the secret `npm start` uses.
 */
function main(): void {
  const { values } = parseArgs({
    options: {
      sub: { type: 'string' },
      ttl: { type: 'string', default: '15m' },
      claims: { type: 'string' },
    },
  });
  if (!values.sub)
    throw new Error('--sub is required, e.g. npm run token -- --sub alice --ttl 15m');
  const config = loadConfig();
  // Without JWT_SECRET (development only: loadConfig refuses it in production),
  // the secret the reference app uses too.
  const jwtSecret = config.jwtSecret ?? devJwtSecret(config.devSecretFile).secret;
  const claims = values.claims ? (JSON.parse(values.claims) as Record<string, unknown>) : {};
  process.stdout.write(
    `${signToken(jwtSecret, { sub: values.sub, ttlSeconds: parseTtl(values.ttl), claims })}\n`,
  );
}

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
