import { type ValidationError } from 'class-validator';

/** One failed field: its path and what it broke. Never its value. */
export interface ValidationDetail {
  path: string;
  constraints: string[];
}

const MAX_DETAILS = 20;
const MAX_PATH_LENGTH = 128;

/** Flattens class-validator's tree into `[{ path: 'address.city', constraints }]`. */
export function validationDetails(errors: ValidationError[]): ValidationDetail[] {
  const details: ValidationDetail[] = [];
  const visit = (error: ValidationError, parent: string): void => {
    if (details.length >= MAX_DETAILS) return;
    const path = (parent ? `${parent}.${error.property}` : error.property).slice(
      0,
      MAX_PATH_LENGTH,
    );
    if (error.constraints) details.push({ path, constraints: Object.values(error.constraints) });
    for (const child of error.children ?? []) visit(child, path);
  };
  for (const error of errors) visit(error, '');
  return details;
}
