/**
 * The verification of one connect token, old way against new, side by side
 * in one process (process CPU per token): `tsc -p tsconfig.bench.json &&
 * node build/bench/micro/jwt-verify.js` (`--node`-style: run it with the
 * Node binary to measure).
 *
 * - `JwtService.verify` (@nestjs/jwt over jsonwebtoken, bound to the
 *   imported key: what `JwtVerifier` called before) against
 *   `JwtVerifier.verify` (node:crypto and its own claim checks);
 * - HS256 (the bench's handshake token) and RS256.
 *
 * Rounds alternate the cases; compare within a round.
 */
import { createSecretKey, generateKeyPairSync, sign } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { JwtVerifier } from '../../src/auth/jwt-verifier.js';
import { resolveAuthOptions } from '../../src/auth/resolve-auth-options.js';

const TOKENS = Number(process.env.MICRO_TOKENS ?? 20_000);
const ROUNDS = 3;
const SECRET = 'bench-secret-of-at-least-thirty-two-bytes';

function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function main(): void {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub: 'bench-user', scope: 'profile', iat: now, exp: now + 3600 };
  const hsService = new JwtService({ secret: SECRET });
  const hs = hsService.sign(claims);
  const rsInput = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(claims)}`;
  const rs = `${rsInput}.${sign('sha256', Buffer.from(rsInput), rsa.privateKey).toString('base64url')}`;
  const verifier = new JwtVerifier(
    resolveAuthOptions({
      secret: SECRET,
      publicKey: rsa.publicKey.export({ type: 'spki', format: 'pem' }),
    }),
  );
  const service = (
    key: Parameters<typeof createSecretKey>[0] | typeof rsa.publicKey,
    alg: 'HS256' | 'RS256',
  ) =>
    new JwtService({
      publicKey:
        typeof key === 'string' ? createSecretKey(Buffer.from(key)) : (key as typeof rsa.publicKey),
      verifyOptions: { algorithms: [alg], clockTolerance: 0 },
    });
  const hsOld = service(SECRET, 'HS256');
  const rsOld = service(rsa.publicKey, 'RS256');
  const cases: Array<[string, () => unknown]> = [
    ['HS256 JwtService.verify (before)', () => hsOld.verify(hs)],
    ['HS256 JwtVerifier.verify (after)', () => verifier.verify(hs)],
    ['RS256 JwtService.verify (before)', () => rsOld.verify(rs)],
    ['RS256 JwtVerifier.verify (after)', () => verifier.verify(rs)],
  ];
  for (const [name, run] of cases) {
    if (name.includes('after') && (run() as { ok: boolean }).ok !== true)
      throw new Error(`${name} refused`);
  }
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [name, run] of cases) {
      const count = name.startsWith('RS') ? TOKENS / 10 : TOKENS;
      const started = cpuMicros();
      for (let i = 0; i < count; i++) run();
      console.log(
        `round ${round}  ${name.padEnd(36)} ${((cpuMicros() - started) / count).toFixed(2)} µs/token`,
      );
    }
  }
}

main();
