import { type Type } from '@nestjs/common';
import { MESSAGE_MAPPING_METADATA, PARAM_ARGS_METADATA, WsParamtype } from '../nest/internals.js';
import { isDtoClass } from '../validation/secure-validation.pipe.js';

/**
 * The message handlers of a gateway whose `@MessageBody()` is typed with a
 * DTO class: the only ones the validation pipe has work to do for. Nest keys
 * parameter metadata `"<paramtype>:<index>"`.
 */
export function dtoHandlerNames(gateway: Type): string[] {
  const prototype = gateway.prototype as Record<string, unknown>;
  return Object.getOwnPropertyNames(prototype).filter((name) => {
    const method = prototype[name];
    if (typeof method !== 'function' || !Reflect.getMetadata(MESSAGE_MAPPING_METADATA, method)) {
      return false;
    }
    const params: Record<string, unknown> =
      Reflect.getMetadata(PARAM_ARGS_METADATA, gateway, name) ?? {};
    const types: unknown[] = Reflect.getMetadata('design:paramtypes', prototype, name) ?? [];
    return Object.keys(params).some((key) => {
      const [type, index] = key.split(':').map(Number);
      return type === WsParamtype.PAYLOAD && isDtoClass(types[index ?? -1]);
    });
  });
}
