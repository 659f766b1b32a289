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
  maxUnauthenticatedConnections: 1000,
  maxConnectionsPerAddress: 64,
  ipv6PrefixLength: 64,
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

/** The cap on sockets without a session: below the global cap, half of it by default. */
function unauthenticatedCap(options: ProtectionOptions, authenticates: boolean): number | false {
  const global = options.maxConnections ?? DEFAULT_PROTECTION_OPTIONS.maxConnections;
  const cap = options.maxUnauthenticatedConnections;
  if (cap === undefined) {
    if (!authenticates) return false;
    const fallback = DEFAULT_PROTECTION_OPTIONS.maxUnauthenticatedConnections as number;
    return global === false ? fallback : Math.max(1, Math.min(fallback, Math.floor(global / 2)));
  }
  if (cap !== false && global !== false && cap >= global) {
    throw new Error(
      'SecureWsModule: "protection.maxUnauthenticatedConnections" must be smaller than "protection.maxConnections".',
    );
  }
  return cap;
}

/** Merges defaults into `protection` options; a mistake throws one sentence naming it. */
export function resolveProtectionOptions(
  options: ProtectionOptions = {},
  /** Whether the module authenticates: without it every socket is anonymous, and no cap applies by default. */
  authenticates = true,
): ResolvedProtectionOptions {
  const name = (key: string) => `protection.${key}`;
  for (const key of [
    'maxConnections',
    'maxUnauthenticatedConnections',
    'maxConnectionsPerAddress',
  ] as const) {
    if (options[key] !== undefined && options[key] !== false)
      positiveInteger(name(key), options[key]);
  }
  const prefix = options.ipv6PrefixLength;
  if (prefix !== undefined && !(Number.isInteger(prefix) && prefix >= 1 && prefix <= 128)) {
    throw new Error(
      `SecureWsModule: "protection.ipv6PrefixLength" must be an integer from 1 to 128, got ${String(prefix)}.`,
    );
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
    maxUnauthenticatedConnections: unauthenticatedCap(options, authenticates),
    allowedOrigins: Array.isArray(origins)
      ? origins.map((origin) => normalizeOrigin(origin, name('allowedOrigins')))
      : (origins ?? DEFAULT_PROTECTION_OPTIONS.allowedOrigins),
  };
}
