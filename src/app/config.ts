import { type PreAuthOptions } from '../options/pre-auth-options.js';
import { type TlsOptions } from '../options/secure-ws-options.interface.js';
import { type ProtectionOptions } from '../protection/protection-options.interface.js';
import { loadPreAuth, loadProtection, loadTls } from './protection.config.js';

/** The reference app's settings, read from the environment (see `.env.example`). */
export interface AppConfig {
  nodeEnv: string;
  host: string;
  port: number;
  seedEchoPort: number;
  seedSecurePort: number;
  /** OPS_HOST / OPS_PORT: the internal address of `/metrics`, `/health`, `/health/ready`. @default { host: '127.0.0.1', port: 9464 } */
  ops: { host: string; port: number };
  /** `undefined` in development when JWT_SECRET is absent: the secret of `devSecretFile` is used. */
  jwtSecret: string | undefined;
  /** DEV_JWT_SECRET_FILE: where the development secret is kept when JWT_SECRET is absent. @default '.dev-jwt-secret' */
  devSecretFile: string;
  redisUrl: string | undefined;
  logLevel: string;
  logFile: string | undefined;
  /** Key and certificate from TLS_KEY_FILE / TLS_CERT_FILE: HTTPS and `wss://`. */
  tls: TlsOptions | undefined;
  /** Origins, IP rules, caps and rate limits (see `protection.config.ts`). */
  protection: ProtectionOptions;
  /** Budgets before authentication (see `protection.config.ts`). */
  preAuth: PreAuthOptions;
  /** Rooms' history: HISTORY_SIZE messages (default 100), each HISTORY_TTL_MS (default 120000). */
  history: { size: number; ttlMs: number };
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new Error(`${name} must be a positive integer, got "${raw}".`);
  }
  return value;
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65_535) {
    throw new Error(`${name} must be a port number from 0 to 65535, got "${raw}".`);
  }
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const nodeEnv = env.NODE_ENV ?? 'development';
  const jwtSecret = env.JWT_SECRET || undefined;
  if (nodeEnv === 'production' && (!jwtSecret || Buffer.byteLength(jwtSecret) < 32)) {
    throw new Error('JWT_SECRET must be set to at least 32 bytes when NODE_ENV=production.');
  }
  if (jwtSecret && Buffer.byteLength(jwtSecret) < 32) {
    throw new Error('JWT_SECRET must be at least 32 bytes long.');
  }
  const host = env.HOST || '127.0.0.1';
  const httpPort = port(env, 'PORT', 3000);
  const tls = loadTls(env);
  return {
    nodeEnv,
    host,
    port: httpPort,
    seedEchoPort: port(env, 'SEED_ECHO_PORT', 8765),
    seedSecurePort: port(env, 'SEED_SECURE_PORT', 8888),
    ops: { host: env.OPS_HOST || '127.0.0.1', port: port(env, 'OPS_PORT', 9464) },
    jwtSecret,
    devSecretFile: env.DEV_JWT_SECRET_FILE || '.dev-jwt-secret',
    redisUrl: env.REDIS_URL || undefined,
    logLevel: env.LOG_LEVEL || 'info',
    logFile: env.LOG_FILE || undefined,
    tls,
    protection: loadProtection(env, host, httpPort, tls !== undefined),
    preAuth: loadPreAuth(env),
    history: {
      size: positive(env, 'HISTORY_SIZE', 100),
      ttlMs: positive(env, 'HISTORY_TTL_MS', 120_000),
    },
  };
}
