import { Injectable, StandardSchemaValidationPipe } from '@nestjs/common';
import { ValidationFailedException } from './secure-validation.pipe.js';
import { standardSchemaDetails } from './standard-schema-details.js';

/**
 * Nest's `StandardSchemaValidationPipe` for `@MessageBody({ schema })`, whose
 * failures are answered VALIDATION_FAILED with `details: [{ path,
 * constraints }]` like a DTO's, instead of a bare `BadRequestException`.
 */
@Injectable()
export class SecureStandardSchemaPipe extends StandardSchemaValidationPipe {
  constructor() {
    super({
      exceptionFactory: (issues) => new ValidationFailedException(standardSchemaDetails(issues)),
    });
  }
}
