import {
  type ArgumentMetadata,
  BadRequestException,
  Injectable,
  type PipeTransform,
  type Type,
} from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { type ValidatorOptions, validate } from 'class-validator';
import { WsErrorCode } from '../errors/error-codes.js';
import { replyOf } from '../errors/error-mapper.js';
import { currentMessage } from '../logging/message-context.js';
import { validationDetails } from './validation-details.js';

const PRIMITIVES = new Set<unknown>([String, Boolean, Number, Array, Object, Buffer, Date]);

/** True for a class the pipe validates: not a primitive's wrapper, not `Object`. */
export function isDtoClass(metatype: unknown): metatype is Type {
  return typeof metatype === 'function' && !PRIMITIVES.has(metatype);
}

/**
 * Thrown on invalid input. Over HTTP it is a plain 400; on a gateway it is
 * answered VALIDATION_FAILED with `details: [{ path, constraints }]`.
 */
export class ValidationFailedException extends BadRequestException {
  constructor(details: ReturnType<typeof validationDetails>) {
    super({
      statusCode: 400,
      message: 'Validation failed',
      details,
      wsError: replyOf(WsErrorCode.VALIDATION_FAILED, { details }),
    });
  }
}

/**
 * class-validator and class-transformer for message payloads: unknown
 * properties are refused, values are converted to the DTO class, and every
 * failure names its field path without echoing the value.
 */
@Injectable()
export class SecureValidationPipe implements PipeTransform {
  private readonly validatorOptions: ValidatorOptions;

  constructor(options: ValidatorOptions = {}) {
    this.validatorOptions = {
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      validationError: { target: false, value: false },
      ...options,
    };
  }

  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const metatype = metadata.metatype as Type | undefined;
    if (metadata.type !== 'body' || !isDtoClass(metatype)) return value;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      currentMessage()?.step('validation', WsErrorCode.VALIDATION_FAILED);
      throw new ValidationFailedException([{ path: '', constraints: ['data must be an object'] }]);
    }
    const instance = plainToInstance(metatype, value) as object;
    const errors = await validate(instance, this.validatorOptions);
    const outcome = errors.length > 0 ? WsErrorCode.VALIDATION_FAILED : 'ok';
    currentMessage()?.step('validation', outcome);
    if (errors.length > 0) throw new ValidationFailedException(validationDetails(errors));
    return instance;
  }
}
