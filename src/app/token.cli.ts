import { parseArgs } from 'node:util';
import { loadConfig } from './config.js';
import { parseTtl, signToken } from './token.js';

/** `npm run token -- --sub alice --ttl 15m [--claims '{"roles":["admin"]}']` prints a token signed with JWT_SECRET. */
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
  const { jwtSecret } = loadConfig();
  if (!jwtSecret) {
    throw new Error(
      'JWT_SECRET is not set: the server would make a random one, so set the same JWT_SECRET for both.',
    );
  }
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
