import { readFileSync } from 'node:fs';
import { type PreAuthOptions } from '../options/pre-auth-options.js';
import { type TlsOptions } from '../options/secure-ws-options.interface.js';
import { type ProtectionOptions } from '../protection/protection-options.interface.js';

function list(env: NodeJS.ProcessEnv, name: string): string[] {
  return (env[name] ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function count(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`${name} must be a positive integer, got "${raw}".`);
  }
  return value;
}

function readPem(env: NodeJS.ProcessEnv, name: string): Buffer {
  const file = env[name] as string;
  try {
    return readFileSync(file);
  } catch {
    throw new Error(`${name} names "${file}", which cannot be read.`);
  }
}

/** TLS_KEY_FILE and TLS_CERT_FILE, both or neither. */
export function loadTls(env: NodeJS.ProcessEnv): TlsOptions | undefined {
  const hasKey = Boolean(env.TLS_KEY_FILE);
  const hasCert = Boolean(env.TLS_CERT_FILE);
  if (hasKey !== hasCert) {
    throw new Error('TLS_KEY_FILE and TLS_CERT_FILE must be set together.');
  }
  return hasKey
    ? { key: readPem(env, 'TLS_KEY_FILE'), cert: readPem(env, 'TLS_CERT_FILE') }
    : undefined;
}

/**
 * The reference app's protection, sized for one small machine: its own
 * origin (and `http://localhost:PORT`) plus ALLOWED_ORIGINS, every other
 * origin refused.
 */
export function loadProtection(
  env: NodeJS.ProcessEnv,
  host: string,
  port: number,
  tls: boolean,
): ProtectionOptions {
  const scheme = tls ? 'https' : 'http';
  const ownOrigins = [`${scheme}://${host}:${port}`, `${scheme}://localhost:${port}`];
  const perSecond = count(env, 'MESSAGES_PER_SECOND', 20);
  return {
    allowedOrigins: [...new Set([...ownOrigins, ...list(env, 'ALLOWED_ORIGINS')])],
    allowMissingOrigin: env.ALLOW_MISSING_ORIGIN !== 'false',
    ipAllowList: list(env, 'IP_ALLOW_LIST'),
    ipDenyList: list(env, 'IP_DENY_LIST'),
    trustedProxies: list(env, 'TRUSTED_PROXIES'),
    maxConnections: count(env, 'MAX_CONNECTIONS', 2000),
    maxConnectionsPerAddress: count(env, 'MAX_CONNECTIONS_PER_IP', 32),
    maxUnauthenticatedConnections: env.MAX_UNAUTHENTICATED_CONNECTIONS
      ? count(env, 'MAX_UNAUTHENTICATED_CONNECTIONS', 1000)
      : undefined,
    handshakeRate: { points: count(env, 'HANDSHAKES_PER_MINUTE', 60), durationMs: 60_000 },
    messageRate: {
      points: perSecond,
      durationMs: 1000,
      burst: count(env, 'MESSAGE_BURST', perSecond * 2),
    },
    userMessageRate: {
      points: perSecond * 4,
      durationMs: 1000,
      burst: count(env, 'MESSAGE_BURST', perSecond * 2) * 4,
    },
    abuse: { maxRefusals: count(env, 'RATE_LIMIT_STRIKES', 50), windowMs: 10_000 },
  };
}

/** The budgets of a connection before it authenticates; IDLE_TIMEOUT_MS closes idle anonymous sockets. */
export function loadPreAuth(env: NodeJS.ProcessEnv): PreAuthOptions {
  return { idleTimeoutMs: count(env, 'IDLE_TIMEOUT_MS', 60_000) };
}
