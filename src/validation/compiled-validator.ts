import { type Type } from '@nestjs/common';
import {
  getMetadataStorage,
  type ValidationArguments,
  ValidationTypes,
  type ValidatorConstraintInterface,
  type ValidatorOptions,
} from 'class-validator';
import { copiedAsIs } from './class-transformer-metadata.js';
import { validatesSynchronously } from './sync-validation.js';

/**
 * Checks a plain object against a DTO class: the DTO instance when it is
 * valid, `undefined` when the caller must take the full path
 * (`plainToInstance` + `validateSync`), which then gives the errors.
 */
export type CompiledValidator = (plain: Record<string, unknown>) => object | undefined;

type Metadata = ReturnType<
  ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']
>[number];

/** One constraint of a property: class-validator's `customValidations` for one metadata. */
interface Check {
  metadata: Metadata;
  constraints: ValidatorConstraintInterface[];
}

interface PropertyPlan {
  name: string;
  /** `@IsOptional`, `@ValidateIf`: run first, all truthy or nothing else runs. */
  conditions: Array<(object: object, value: unknown) => unknown>;
  /** `@IsDefined`, then the others, in class-validator's order. */
  checks: Check[];
}

const { CUSTOM_VALIDATION, IS_DEFINED, CONDITIONAL_VALIDATION, WHITELIST } = ValidationTypes;

/** Options that change which payloads are valid in ways this file does not follow. */
function unsupportedOptions(options: ValidatorOptions): boolean {
  return (
    options.skipMissingProperties === true ||
    options.skipNullProperties === true ||
    options.skipUndefinedProperties === true
  );
}

/**
 * Names a payload key may not have on the fast path: what class-transformer
 * skips or treats specially (`__proto__`, `constructor`, names found on the
 * class's prototype chain, own accessors or functions of a fresh instance).
 */
function reservedNames(metatype: Type, probe: object): Set<string> {
  const reserved = new Set(['__proto__', 'constructor']);
  for (const name of Object.getOwnPropertyNames(probe)) {
    const descriptor = Object.getOwnPropertyDescriptor(probe, name);
    if (!descriptor || !('value' in descriptor) || typeof descriptor.value === 'function') {
      reserved.add(name);
    }
  }
  for (
    let prototype: object | null = metatype.prototype as object;
    prototype;
    prototype = Object.getPrototypeOf(prototype) as object | null
  ) {
    for (const name of Object.getOwnPropertyNames(prototype)) reserved.add(name);
  }
  return reserved;
}

const OBJECT_NAMES = new Set(['__proto__', ...Object.getOwnPropertyNames(Object.prototype)]);
const FAIL = Symbol('fail');

/**
 * What class-transformer makes of a JSON value under a property without
 * `@Type`: primitives as they are, arrays and plain objects copied; FAIL
 * for anything it would treat otherwise (other prototypes, keys it skips).
 */
function copyPlain(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    for (const item of value) {
      const copied = copyPlain(item);
      if (copied === FAIL) return FAIL;
      copy.push(copied);
    }
    return copy;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return FAIL;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (OBJECT_NAMES.has(key)) return FAIL;
    const copied = copyPlain((value as Record<string, unknown>)[key]);
    if (copied === FAIL) return FAIL;
    copy[key] = copied;
  }
  return copy;
}

function isPromiseLike(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** class-validator's `customValidations` for one value, answering only "all passed". */
function passes(instance: object, value: unknown, check: Check, targetName: string): boolean {
  const { metadata } = check;
  if (metadata.validateIf && !metadata.validateIf(instance, value)) return true;
  const args: ValidationArguments = {
    targetName,
    property: metadata.propertyName,
    object: instance,
    value,
    constraints: metadata.constraints,
  };
  for (const constraint of check.constraints) {
    if (!metadata.each || !Array.isArray(value)) {
      const valid: unknown = constraint.validate(value, args);
      // validateSync leaves a promise unawaited: it adds no error.
      if (!valid && !isPromiseLike(valid)) return false;
      continue;
    }
    const results = value.map((item: unknown): unknown => constraint.validate(item, args));
    if (results.some(isPromiseLike)) continue;
    if (!results.every(Boolean)) return false;
  }
  return true;
}

function planOf(metatype: Type, options: ValidatorOptions): PropertyPlan[] | undefined {
  const storage = getMetadataStorage();
  const metadata = storage.getTargetValidationMetadatas(
    metatype,
    '',
    options.always || false,
    options.strictGroups || false,
    options.groups,
  );
  if (metadata.length === 0) return undefined; // forbidUnknownValues' error, or nothing to check
  const grouped = storage.groupByPropertyName(metadata);
  const plan: PropertyPlan[] = [];
  for (const [name, entries] of Object.entries(grouped)) {
    const conditions: PropertyPlan['conditions'] = [];
    const defined: Check[] = [];
    const checks: Check[] = [];
    for (const entry of entries) {
      if (entry.type === WHITELIST) continue;
      if (entry.type === CONDITIONAL_VALIDATION) {
        conditions.push(entry.constraints[0] as PropertyPlan['conditions'][number]);
      } else if (entry.type === IS_DEFINED || entry.type === CUSTOM_VALIDATION) {
        const constraints = storage.getTargetValidatorConstraints(entry.constraintCls);
        if (constraints.some((constraint) => constraint.async)) return undefined;
        const check = {
          metadata: entry,
          constraints: constraints.map((constraint) => constraint.instance),
        };
        (entry.type === IS_DEFINED ? defined : checks).push(check);
      } else {
        return undefined; // nested, promise: the full path
      }
    }
    plan.push({ name, conditions, checks: [...defined, ...checks] });
  }
  return plan;
}

/**
 * A validator made once per DTO class from class-validator's metadata
 * storage: the same constraint instances class-validator calls, in its
 * order, on an instance built as `plainToInstance` builds it, without the
 * metadata walk, the transformer's generic copy or error objects per
 * message. It answers valid payloads (every key a validated property of the
 * class); anything else (a failure, an unknown key, a key class-transformer
 * treats specially) goes to the full path, which gives the errors, so
 * errors and whitelist behaviour are class-validator's own. `undefined` for
 * a class it cannot follow: nested or promise validation, asynchronous
 * constraints, class-transformer decorators, skip options, a class with no
 * constraint, or a fresh instance with own unvalidated properties.
 */
export function compileValidator(
  metatype: Type,
  options: ValidatorOptions,
): CompiledValidator | undefined {
  if (unsupportedOptions(options) || !validatesSynchronously(metatype, options)) return undefined;
  const plan = planOf(metatype, options);
  if (!plan) return undefined;
  const known = new Set(plan.map((property) => property.name));
  if (!copiedAsIs(metatype, [...known])) return undefined;
  const probe = new metatype() as object;
  // Own fields of a fresh instance without constraints: the whitelist's business.
  if (Object.keys(probe).some((key) => !known.has(key))) return undefined;
  const reserved = reservedNames(metatype, probe);
  const targetName = metatype.name;
  return (plain) => {
    if (Object.getPrototypeOf(plain) !== Object.prototype) return undefined;
    const instance = new metatype() as Record<string, unknown>;
    for (const key of Object.keys(plain)) {
      if (!known.has(key) || reserved.has(key)) return undefined;
      const value = copyPlain(plain[key]);
      if (value === FAIL) return undefined;
      instance[key] = value;
    }
    for (const property of plan) {
      const value = instance[property.name];
      // Every condition is called, then their results are and-ed (class-validator's map + reduce).
      let canValidate: unknown = true;
      for (const condition of property.conditions) {
        const result = condition(instance, value);
        canValidate = canValidate && result;
      }
      if (!canValidate) continue;
      for (const check of property.checks) {
        if (!passes(instance, value, check, targetName)) return undefined;
      }
    }
    return instance;
  };
}
