import { type Type } from '@nestjs/common';
import { MESSAGE_MAPPING_METADATA, PARAM_ARGS_METADATA, WsParamtype } from '../nest/internals.js';
import { isDtoClass } from '../validation/secure-validation.pipe.js';

/** What a handler's `@MessageBody()` is validated by, if anything. */
export interface PayloadOf {
  /** The DTO class the payload is typed with. */
  dto?: Type;
  /** The Standard Schema given as `@MessageBody({ schema })`. */
  schema?: unknown;
  /** `@MessageBody('name')`: the handler gets this property of the payload. */
  property?: string;
}

/** The names of a gateway's `@SubscribeMessage` handlers, own and inherited. */
export function handlerNames(gateway: Type): string[] {
  const names = new Set<string>();
  for (
    let prototype = gateway.prototype as object | null;
    prototype && prototype !== Object.prototype;
    prototype = Object.getPrototypeOf(prototype) as object | null
  ) {
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const method = (prototype as Record<string, unknown>)[name];
      if (typeof method === 'function' && Reflect.getMetadata(MESSAGE_MAPPING_METADATA, method)) {
        names.add(name);
      }
    }
  }
  return [...names];
}

/**
 * The payload parameter of one handler: its DTO class and its Standard
 * Schema. Nest keys parameter metadata `"<paramtype>:<index>"`.
 */
export function payloadOf(gateway: Type, name: string): PayloadOf {
  const params: Record<string, { schema?: unknown; data?: unknown }> =
    Reflect.getMetadata(PARAM_ARGS_METADATA, gateway, name) ?? {};
  const types: unknown[] = Reflect.getMetadata('design:paramtypes', gateway.prototype, name) ?? [];
  for (const [key, param] of Object.entries(params)) {
    const [type, index] = key.split(':').map(Number);
    if (type !== WsParamtype.PAYLOAD) continue;
    const metatype = types[index ?? -1];
    return {
      dto: isDtoClass(metatype) ? metatype : undefined,
      schema: param.schema ?? undefined,
      property: typeof param.data === 'string' ? param.data : undefined,
    };
  }
  return {};
}

function ownHandlersWhere(gateway: Type, test: (payload: PayloadOf) => boolean): string[] {
  const handlers = new Set(handlerNames(gateway));
  return Object.getOwnPropertyNames(gateway.prototype).filter(
    (name) => handlers.has(name) && test(payloadOf(gateway, name)),
  );
}

/**
 * The message handlers of a gateway whose `@MessageBody()` is typed with a
 * DTO class: the only ones the validation pipe has work to do for.
 */
export function dtoHandlerNames(gateway: Type): string[] {
  return ownHandlersWhere(gateway, (payload) => payload.dto !== undefined);
}

/** The message handlers of a gateway with `@MessageBody({ schema })`. */
export function schemaHandlerNames(gateway: Type): string[] {
  return ownHandlersWhere(gateway, (payload) => payload.schema !== undefined);
}
