import { checkPositiveInteger } from '../util/positive-integer.js';
import {
  type AuthOptions,
  type JwtAlgorithm,
  type ResolvedAuthOptions,
} from './auth-options.interface.js';
import { buildVerificationKeys } from './jwt-keys.js';

const MIN_SECRET_BYTES = 32;
const MAX_CLOCK_TOLERANCE_SEC = 5;

function fail(sentence: string): never {
  throw new Error(`SecureWsModule: ${sentence}`);
}

const positiveInteger = (name: string, value: number | undefined) =>
  checkPositiveInteger(`auth.${name}`, value);

function checkAlgorithms(algorithms: readonly string[] | undefined): void {
  if (algorithms === undefined) return;
  if (algorithms.some((algorithm) => algorithm.toLowerCase() === 'none')) {
    fail('"auth.algorithms" must not include "none": unsigned tokens are never accepted.');
  }
  if (algorithms.length === 0) fail('"auth.algorithms" must name at least one algorithm.');
}

/**
 * Fills in the defaults of the `auth` option and checks it, keys included,
 * so that a mistake stops the app at start-up with one sentence.
 */
export function resolveAuthOptions(options: AuthOptions): ResolvedAuthOptions {
  checkAlgorithms(options.algorithms);
  const secret =
    options.secret === undefined
      ? undefined
      : Buffer.isBuffer(options.secret)
        ? options.secret
        : Buffer.from(options.secret, 'utf8');
  if (secret !== undefined && secret.length < MIN_SECRET_BYTES) {
    fail(`"auth.secret" must be at least ${MIN_SECRET_BYTES} bytes, got ${secret.length}.`);
  }
  const tolerance = options.clockToleranceSec ?? 0;
  if (!(Number.isFinite(tolerance) && tolerance >= 0 && tolerance <= MAX_CLOCK_TOLERANCE_SEC)) {
    fail(
      `"auth.clockToleranceSec" must be from 0 to ${MAX_CLOCK_TOLERANCE_SEC} seconds, got ${String(tolerance)}.`,
    );
  }
  for (const name of [
    'maxTokenLength',
    'authTimeoutMs',
    'expiringNoticeMs',
    'maxConnectionsPerUser',
    'revocationTtlMs',
  ] as const) {
    positiveInteger(name, options[name]);
  }
  const policy = options.whenOverUserLimit ?? 'refuse-newest';
  if (policy !== 'refuse-newest' && policy !== 'close-oldest') {
    fail(
      `"auth.whenOverUserLimit" must be "refuse-newest" or "close-oldest", got "${String(policy)}".`,
    );
  }
  const subjectClaim = options.subjectClaim ?? 'sub';
  if (typeof subjectClaim !== 'string' || subjectClaim.length === 0) {
    fail('"auth.subjectClaim" must be a claim name.');
  }
  positiveInteger('maxTokenLifetimeSec', options.maxTokenLifetimeSec);
  const resolved: ResolvedAuthOptions = {
    secret,
    publicKey: options.publicKey,
    publicKeys: options.publicKeys ?? {},
    algorithms: options.algorithms ?? ([] as JwtAlgorithm[]),
    issuer: options.issuer,
    audience: options.audience,
    requireExp: options.requireExp ?? true,
    clockToleranceSec: tolerance,
    subjectClaim,
    numericSubject: options.numericSubject ?? false,
    maxTokenLifetimeSec: options.maxTokenLifetimeSec ?? 31_536_000,
    maxTokenLength: options.maxTokenLength ?? 8192,
    sources: {
      header: options.sources?.header ?? true,
      subprotocol: options.sources?.subprotocol ?? true,
      cookie: options.sources?.cookie,
      query: options.sources?.query ?? false,
    },
    refuseWithHttp: options.refuseWithHttp ?? false,
    firstMessage: options.firstMessage ?? true,
    authTimeoutMs: options.authTimeoutMs ?? 10_000,
    expiringNoticeMs: options.expiringNoticeMs ?? 60_000,
    maxConnectionsPerUser: options.maxConnectionsPerUser,
    whenOverUserLimit: policy,
    revocationTtlMs: options.revocationTtlMs ?? 86_400_000,
    revocationStore: options.revocationStore,
  };
  // Parses every key and settles the allow list, failing on the first mistake.
  resolved.algorithms = buildVerificationKeys(resolved).algorithms;
  return resolved;
}
