import { type ValidationError } from 'class-validator';

/** One failed field: its path and what it broke. Never its value. */
export interface ValidationDetail {
  path: string;
  constraints: string[];
}

const MAX_DETAILS = 20;
const MAX_PATH_LENGTH = 128;
/** A constraint message may quote a client string (an unknown key): it is cut here. */
const MAX_CONSTRAINT_LENGTH = 160;

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Flattens class-validator's tree into `[{ path: 'address.city', constraints }]`. */
export function validationDetails(errors: ValidationError[]): ValidationDetail[] {
  const details: ValidationDetail[] = [];
  const visit = (error: ValidationError, parent: string): void => {
    if (details.length >= MAX_DETAILS) return;
    const path = (parent ? `${parent}.${error.property}` : error.property).slice(
      0,
      MAX_PATH_LENGTH,
    );
    if (error.constraints) {
      const constraints = Object.values(error.constraints);
      details.push({ path, constraints: constraints.map((c) => clip(c, MAX_CONSTRAINT_LENGTH)) });
    }
    for (const child of error.children ?? []) visit(child, path);
  };
  for (const error of errors) visit(error, '');
  return details;
}
