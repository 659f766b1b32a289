import { type ArgumentMetadata, Injectable, StandardSchemaValidationPipe } from '@nestjs/common';
import { type StandardSchemaV1 } from '@standard-schema/spec';
import { ValidationFailedException } from './secure-validation.pipe.js';
import { standardSchemaDetails } from './standard-schema-details.js';

/** Carries the issues from the exception factory to `transform`, which knows the parameter. */
class SchemaIssues extends Error {
  constructor(readonly issues: readonly StandardSchemaV1.Issue[]) {
    super('Standard Schema issues');
  }
}

/**
 * Nest's `StandardSchemaValidationPipe` for `@MessageBody({ schema })`, whose
 * failures are answered VALIDATION_FAILED with `details: [{ path,
 * constraints }]` like a DTO's, instead of a bare `BadRequestException`.
 * With `@MessageBody('name', { schema })`, paths start at `name`.
 */
@Injectable()
export class SecureStandardSchemaPipe extends StandardSchemaValidationPipe {
  constructor() {
    super({ exceptionFactory: (issues) => new SchemaIssues(issues) });
  }

  override async transform<T = unknown>(value: T, metadata: ArgumentMetadata): Promise<T> {
    try {
      return await super.transform(value, metadata);
    } catch (error) {
      if (!(error instanceof SchemaIssues)) throw error;
      throw new ValidationFailedException(standardSchemaDetails(error.issues, metadata.data));
    }
  }
}
