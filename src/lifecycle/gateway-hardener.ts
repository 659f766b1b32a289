import { Logger, type Type } from '@nestjs/common';
import { connectionOf } from '../connection/connection.js';
import { EXCEPTION_FILTERS_METADATA, PIPES_METADATA } from '../nest/internals.js';
import { dtoHandlerNames, schemaHandlerNames } from './dto-handlers.js';
import { FUNNEL_FILTER } from './escalate-to-funnel.filter.js';
import { GatewayPayloadValidation } from './gateway-payload-validation.js';
import { GatewaySchemaValidation } from './gateway-schema-validation.js';

const WRAPPED = Symbol('secure-ws.wrapped-hook');
const logger = new Logger('SecureWs');

type Hook = ((this: unknown, ...args: unknown[]) => unknown) & { [WRAPPED]?: true };

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

/**
 * A hook that returned synchronously is done: its value is returned as it
 * is, and nothing waits for it (no promise per connection and close, and a
 * connection whose `handleConnection` is synchronous opens in the same
 * turn). A promise it returned, or what it threw, is tracked (or logged).
 */
function wrapHook(
  prototype: Record<string, unknown>,
  name: string,
  track: (client: unknown, result: Promise<unknown>) => boolean,
): void {
  const original = prototype[name] as Hook | undefined;
  if (typeof original !== 'function' || original[WRAPPED]) return;
  const wrapped: Hook = function (this: unknown, ...args: unknown[]) {
    let result: Promise<unknown>;
    try {
      const value = original.apply(this, args);
      if (!isPromiseLike(value)) return value;
      result = Promise.resolve(value);
    } catch (error) {
      result = Promise.reject(error);
    }
    if (!track(args[0], result)) {
      result.catch((error: unknown) => logger.error(`${name} failed`, error));
    }
    return result;
  };
  wrapped[WRAPPED] = true;
  prototype[name] = wrapped;
}

function prepend(key: string, target: object, item: unknown): void {
  const list: unknown[] = Reflect.getMetadata(key, target) ?? [];
  if (!list.includes(item)) Reflect.defineMetadata(key, [item, ...list], target);
}

/**
 * Makes one gateway class safe to serve, before Nest binds it. What it
 * writes on the class is the same for every app in the process, and writing
 * it twice changes nothing, so a second app can neither see nor change what
 * the first chose:
 * - `handleConnection`, `handleDisconnect` and `afterInit` can throw or
 *   reject without taking the process down; the connection waits for
 *   `handleConnection` before its frames are handled;
 * - the funnel's filter goes last in its class filters;
 * - every handler whose payload is a DTO class gets the
 *   `GatewayPayloadValidation` token first in its pipes; each app binds that
 *   token to its own pipe, or to none (`validateAllGateways: false`); every
 *   handler with `@MessageBody({ schema })`, the `GatewaySchemaValidation` token.
 */
export function hardenGateway(gateway: Type): void {
  const prototype = gateway.prototype as Record<string, unknown>;
  wrapHook(prototype, 'handleConnection', (client, result) => {
    const connection = connectionOf(client);
    connection?.trackConnectHook(result);
    return connection !== undefined;
  });
  wrapHook(prototype, 'handleDisconnect', (client, result) => {
    const connection = connectionOf(client);
    connection?.trackDisconnectHook(result);
    return connection !== undefined;
  });
  wrapHook(prototype, 'afterInit', () => false);
  prepend(EXCEPTION_FILTERS_METADATA, gateway, FUNNEL_FILTER);
  for (const name of dtoHandlerNames(gateway)) {
    prepend(PIPES_METADATA, prototype[name] as object, GatewayPayloadValidation);
  }
  for (const name of schemaHandlerNames(gateway)) {
    prepend(PIPES_METADATA, prototype[name] as object, GatewaySchemaValidation);
  }
}
