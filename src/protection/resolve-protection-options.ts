import { checkPositiveInteger } from '../util/positive-integer.js';
import { normalizeOrigin } from './origin-policy.js';
import {
  type ProtectionOptions,
  type ResolvedProtectionOptions,
} from './protection-options.interface.js';
import { type RateLimitRule } from './token-bucket.js';

export const DEFAULT_PROTECTION_OPTIONS: ResolvedProtectionOptions = {
  allowedOrigins: 'same-origin',
  allowMissingOrigin: true,
  ipAllowList: [],
  ipDenyList: [],
  trustedProxies: [],
  maxConnections: 10_000,
  maxConnectionsPerAddress: 64,
  handshakeRate: { points: 30, durationMs: 10_000 },
  messageRate: { points: 50, durationMs: 1000, burst: 100 },
  userMessageRate: { points: 200, durationMs: 1000, burst: 400 },
  abuse: { maxRefusals: 50, windowMs: 10_000 },
  maxTrackedKeys: 10_000,
};

const positiveInteger = (name: string, value: unknown) =>
  checkPositiveInteger(name, value, { required: true });

/** Checks a `{ points, durationMs, burst? }` rule; `false` turns it off. */
export function checkRateRule(name: string, rule: RateLimitRule | false | undefined): void {
  if (rule === undefined || rule === false) return;
  positiveInteger(`${name}.points`, rule.points);
  positiveInteger(`${name}.durationMs`, rule.durationMs);
  if (rule.burst !== undefined) positiveInteger(`${name}.burst`, rule.burst);
}

function stringList(name: string, value: unknown): void {
  if (value !== undefined && !(Array.isArray(value) && value.every((v) => typeof v === 'string'))) {
    throw new Error(`SecureWsModule: "${name}" must be an array of strings.`);
  }
}

/** Merges defaults into `protection` options; a mistake throws one sentence naming it. */
export function resolveProtectionOptions(
  options: ProtectionOptions = {},
): ResolvedProtectionOptions {
  const name = (key: string) => `protection.${key}`;
  for (const key of ['maxConnections', 'maxConnectionsPerAddress'] as const) {
    if (options[key] !== undefined && options[key] !== false)
      positiveInteger(name(key), options[key]);
  }
  if (options.maxTrackedKeys !== undefined)
    positiveInteger(name('maxTrackedKeys'), options.maxTrackedKeys);
  for (const key of ['handshakeRate', 'messageRate', 'userMessageRate'] as const) {
    checkRateRule(name(key), options[key]);
  }
  if (options.abuse) {
    positiveInteger(name('abuse.maxRefusals'), options.abuse.maxRefusals);
    positiveInteger(name('abuse.windowMs'), options.abuse.windowMs);
  }
  for (const key of ['ipAllowList', 'ipDenyList', 'trustedProxies'] as const) {
    stringList(name(key), options[key]);
  }
  const origins = options.allowedOrigins;
  if (origins !== undefined && origins !== '*' && origins !== 'same-origin') {
    stringList(name('allowedOrigins'), origins);
  }
  const defined = Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as ProtectionOptions;
  return {
    ...DEFAULT_PROTECTION_OPTIONS,
    ...defined,
    allowedOrigins: Array.isArray(origins)
      ? origins.map((origin) => normalizeOrigin(origin, name('allowedOrigins')))
      : (origins ?? DEFAULT_PROTECTION_OPTIONS.allowedOrigins),
  };
}
