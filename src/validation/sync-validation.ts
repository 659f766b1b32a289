import { type Type } from '@nestjs/common';
import { getMetadataStorage, ValidationTypes, type ValidatorOptions } from 'class-validator';

/**
 * Whether class-validator can check instances of `metatype` with
 * `validateSync` and get exactly what `validate` gives: every constraint
 * the validation of this class runs (its own and its ancestors', for these
 * options) is synchronous. Nested objects (`@ValidateNested`) and promises
 * (`@ValidatePromise`) are left to `validate`, whose constraints are not
 * known before the value is.
 */
export function validatesSynchronously(metatype: Type, options: ValidatorOptions): boolean {
  const storage = getMetadataStorage();
  const metadata = storage.getTargetValidationMetadatas(
    metatype,
    '',
    options.always ?? false,
    options.strictGroups ?? false,
    options.groups,
  );
  for (const entry of metadata) {
    if (entry.type === ValidationTypes.NESTED_VALIDATION) return false;
    if (entry.type === ValidationTypes.PROMISE_VALIDATION) return false;
    if (entry.type !== ValidationTypes.CUSTOM_VALIDATION) continue;
    const constraints = storage.getTargetValidatorConstraints(entry.constraintCls);
    if (constraints.length === 0 || constraints.some((constraint) => constraint.async)) {
      return false;
    }
  }
  return true;
}
