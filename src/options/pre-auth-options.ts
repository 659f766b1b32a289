import { checkPositiveInteger } from '../util/positive-integer.js';
/**
 * Budgets of a connection that has not authenticated: on a gateway that
 * authenticates, until its session is bound. They are far below the limits
 * of an authenticated connection, so that a client without a token can pin
 * little memory and queue little output.
 */
export interface PreAuthOptions {
  /**
   * Largest frame before authentication, in bytes (an `auth` frame needs a
   * few KB); a larger one is closed 1009. After authentication `maxPayload` applies.
   * @default 16384
   */
  maxPayload?: number;
  /**
   * TCP reads `ws` may hold for one unfinished frame before authentication;
   * beyond it the connection is closed 1008 (a peer trickling one byte per
   * TCP segment pins ~200 bytes of server memory per byte).
   * @default 128
   */
  maxBufferedChunks?: number;
  /** Fragments of one message before authentication; beyond it closed 1008. @default 16 */
  maxFragments?: number;
  /**
   * Bytes that may wait in the send buffer of a connection that has not
   * authenticated; past it SLOW_CONSUMER, closed 1013. After authentication
   * `maxBufferedBytes` applies.
   * @default 65536
   */
  maxBufferedBytes?: number;
  /**
   * Frames other than `auth` a connection may send before authenticating
   * (first-message authentication): each is answered UNAUTHENTICATED and the
   * connection stays open; the next one is answered UNAUTHENTICATED and closed 4401.
   * @default 8
   */
  maxFrames?: number;
  /**
   * A connection without a session (on any gateway, `auth: false` ones
   * included) that sends no message for this long is closed IDLE_TIMEOUT
   * (1000); `false` turns the deadline off.
   * @default 60000
   */
  idleTimeoutMs?: number | false;
}

export type ResolvedPreAuthOptions = Required<PreAuthOptions>;

export const DEFAULT_PRE_AUTH_OPTIONS: ResolvedPreAuthOptions = {
  maxPayload: 16 * 1024,
  maxBufferedChunks: 128,
  maxFragments: 16,
  maxBufferedBytes: 64 * 1024,
  maxFrames: 8,
  idleTimeoutMs: 60_000,
};

const positiveInteger = (name: string, value: unknown) => checkPositiveInteger(name, value);

/** Merges defaults into `preAuth`; a mistake throws one sentence naming it. */
export function resolvePreAuthOptions(
  options: PreAuthOptions = {},
  limits: { maxPayload: number; maxBufferedBytes: number },
): ResolvedPreAuthOptions {
  for (const key of [
    'maxPayload',
    'maxBufferedChunks',
    'maxFragments',
    'maxBufferedBytes',
    'maxFrames',
  ] as const) {
    positiveInteger(`preAuth.${key}`, options[key]);
  }
  if (options.idleTimeoutMs !== false)
    positiveInteger('preAuth.idleTimeoutMs', options.idleTimeoutMs);
  const resolved: ResolvedPreAuthOptions = {
    maxPayload:
      options.maxPayload ?? Math.min(DEFAULT_PRE_AUTH_OPTIONS.maxPayload, limits.maxPayload),
    maxBufferedChunks: options.maxBufferedChunks ?? DEFAULT_PRE_AUTH_OPTIONS.maxBufferedChunks,
    maxFragments: options.maxFragments ?? DEFAULT_PRE_AUTH_OPTIONS.maxFragments,
    maxBufferedBytes:
      options.maxBufferedBytes ??
      Math.min(DEFAULT_PRE_AUTH_OPTIONS.maxBufferedBytes, limits.maxBufferedBytes),
    maxFrames: options.maxFrames ?? DEFAULT_PRE_AUTH_OPTIONS.maxFrames,
    idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_PRE_AUTH_OPTIONS.idleTimeoutMs,
  };
  if (resolved.maxPayload > limits.maxPayload) {
    throw new Error('SecureWsModule: "preAuth.maxPayload" must not exceed "maxPayload".');
  }
  if (resolved.maxBufferedBytes > limits.maxBufferedBytes) {
    throw new Error(
      'SecureWsModule: "preAuth.maxBufferedBytes" must not exceed "maxBufferedBytes".',
    );
  }
  return resolved;
}
