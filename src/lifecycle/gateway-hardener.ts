import { Logger, type PipeTransform, type Type } from '@nestjs/common';
import { EXCEPTION_FILTERS_METADATA, PIPES_METADATA } from '@nestjs/common/constants.js';
import { connectionOf } from '../connection/connection.js';
import { dtoHandlerNames, schemaHandlerNames } from './dto-handlers.js';
import { EscalateToFunnelFilter } from './escalate-to-funnel.filter.js';

const HARDENED = Symbol('secure-ws.hardened');
const FUNNEL_FILTER = new EscalateToFunnelFilter();
const logger = new Logger('SecureWs');

type Hook = (this: unknown, ...args: unknown[]) => unknown;

function settled(run: () => unknown): Promise<unknown> {
  try {
    return Promise.resolve(run());
  } catch (error) {
    return Promise.reject(error);
  }
}

function wrapHook(
  prototype: Record<string, unknown>,
  name: string,
  track: (client: unknown, result: Promise<unknown>) => boolean,
): void {
  const original = prototype[name];
  if (typeof original !== 'function') return;
  prototype[name] = function (this: unknown, ...args: unknown[]) {
    const result = settled(() => (original as Hook).apply(this, args));
    if (!track(args[0], result)) {
      result.catch((error: unknown) => logger.error(`${name} failed`, error));
    }
    return result;
  };
}

/**
 * Makes one gateway class safe to serve, once, before Nest binds it:
 * - `handleConnection`, `handleDisconnect` and `afterInit` can throw or
 *   reject without taking the process down; the connection waits for
 *   `handleConnection` before its frames are handled;
 * - the funnel's filter goes last in its class filters;
 * - with `validationPipe`, that pipe goes first in the pipes of every
 *   handler whose payload is a DTO class, and `schemaPipe` first in those
 *   of every handler with `@MessageBody({ schema })`.
 */
export function hardenGateway(
  gateway: Type,
  validationPipe: PipeTransform | undefined,
  schemaPipe?: PipeTransform,
): void {
  const target = gateway as Type & { [HARDENED]?: boolean };
  if (target[HARDENED]) return;
  target[HARDENED] = true;
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

  const filters: unknown[] = Reflect.getMetadata(EXCEPTION_FILTERS_METADATA, gateway) ?? [];
  Reflect.defineMetadata(EXCEPTION_FILTERS_METADATA, [FUNNEL_FILTER, ...filters], gateway);
  // Only where a payload is a DTO: any pipe makes Nest run its async pipe
  // chain on every message of that handler.
  if (validationPipe) prependPipe(prototype, dtoHandlerNames(gateway), validationPipe);
  if (schemaPipe) prependPipe(prototype, schemaHandlerNames(gateway), schemaPipe);
}

function prependPipe(
  prototype: Record<string, unknown>,
  names: string[],
  pipe: PipeTransform,
): void {
  for (const name of names) {
    const handler = prototype[name] as object;
    const pipes: unknown[] = Reflect.getMetadata(PIPES_METADATA, handler) ?? [];
    Reflect.defineMetadata(PIPES_METADATA, [pipe, ...pipes], handler);
  }
}
