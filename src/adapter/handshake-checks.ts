import { type IncomingMessage } from 'node:http';
import {
  type HandshakeRefusal,
  type SecureWsPlugin,
  type WsGatewayInfo,
} from '../connection/plugin.interface.js';

export type HandshakeVerdict = HandshakeRefusal | undefined | Promise<HandshakeRefusal | undefined>;

/**
 * The plugins' `checkHandshake` (the plugins that have one, in order) until
 * the first refusal. Synchronous while every check answers synchronously,
 * so the common upgrade takes no promise and no microtask turn; from the
 * first check that returns a promise on, the walk goes on when it settles
 * and the verdict is a promise.
 */
export function firstHandshakeRefusal(
  checks: readonly SecureWsPlugin[],
  request: IncomingMessage,
  gateway: WsGatewayInfo,
  from = 0,
): HandshakeVerdict {
  for (let index = from; index < checks.length; index += 1) {
    const verdict = checks[index]?.checkHandshake?.(request, gateway);
    if (verdict instanceof Promise) {
      return verdict.then(
        (refusal) => refusal ?? firstHandshakeRefusal(checks, request, gateway, index + 1),
      );
    }
    if (verdict) return verdict;
  }
  return undefined;
}
