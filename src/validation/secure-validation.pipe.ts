import {
  type ArgumentMetadata,
  BadRequestException,
  Injectable,
  type PipeTransform,
  type Type,
} from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import {
  type ValidationError,
  type ValidatorOptions,
  validate,
  validateSync,
} from 'class-validator';
import { WsErrorCode } from '../errors/error-codes.js';
import { replyOf } from '../errors/error-mapper.js';
import { currentMessage } from '../logging/message-context.js';
import { type CompiledValidator, compileValidator } from './compiled-validator.js';
import { validatesSynchronously } from './sync-validation.js';
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

  /** Per DTO class: whether `validateSync` checks it exactly as `validate` would. */
  private readonly synchronous = new WeakMap<Type, boolean>();

  /** Per DTO class: its compiled validator (`null`: the class takes the full path). */
  private readonly compiled = new WeakMap<Type, CompiledValidator | null>();

  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const metatype = metadata.metatype as Type | undefined;
    if (metadata.type !== 'body' || !isDtoClass(metatype)) return value;
    return await this.validatePayload(value, metatype);
  }

  /**
   * The payload as an instance of the DTO class, or `ValidationFailedException`.
   * Synchronous (returns or throws) when every constraint the class runs is;
   * else a promise. What `transform` does for a `@MessageBody()` typed `metatype`.
   * A valid payload of a class the compiled validator follows
   * (`compiled-validator.ts`) is answered by it; the rest, errors included,
   * by class-transformer and class-validator.
   */
  validatePayload(value: unknown, metatype: Type): object | Promise<object> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      currentMessage()?.step('validation', WsErrorCode.VALIDATION_FAILED);
      throw new ValidationFailedException([{ path: '', constraints: ['data must be an object'] }]);
    }
    let compiled = this.compiled.get(metatype);
    if (compiled === undefined) {
      compiled = compileValidator(metatype, this.validatorOptions) ?? null;
      this.compiled.set(metatype, compiled);
    }
    const valid = compiled?.(value as Record<string, unknown>);
    if (valid) {
      currentMessage()?.step('validation', 'ok');
      return valid;
    }
    // Invalid, or beyond the compiled validator: class-transformer and class-validator give the errors.
    const instance = plainToInstance(metatype, value) as object;
    let synchronous = this.synchronous.get(metatype);
    if (synchronous === undefined) {
      synchronous = validatesSynchronously(metatype, this.validatorOptions);
      this.synchronous.set(metatype, synchronous);
    }
    if (synchronous) return this.outcome(instance, validateSync(instance, this.validatorOptions));
    return validate(instance, this.validatorOptions).then((errors) =>
      this.outcome(instance, errors),
    );
  }

  private outcome(instance: object, errors: ValidationError[]): object {
    currentMessage()?.step('validation', errors.length > 0 ? WsErrorCode.VALIDATION_FAILED : 'ok');
    if (errors.length > 0) throw new ValidationFailedException(validationDetails(errors));
    return instance;
  }
}
