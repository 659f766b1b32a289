import 'reflect-metadata';
import { type Type } from '@nestjs/common';
import { plainToInstance, Transform, Type as TransformType } from 'class-transformer';
import {
  Allow,
  ArrayMaxSize,
  ArrayMinSize,
  Contains,
  IsArray,
  IsBoolean,
  IsDefined,
  IsEmail,
  IsEnum,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsPositive,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  Validate,
  ValidateIf,
  ValidateNested,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
  type ValidatorOptions,
  validateSync,
} from 'class-validator';
import { describe, expect, it } from 'vitest';
import { compileValidator } from '../../src/validation/compiled-validator.js';
import {
  SecureValidationPipe,
  ValidationFailedException,
} from '../../src/validation/secure-validation.pipe.js';
import { validationDetails } from '../../src/validation/validation-details.js';

/** The pipe's options (secure-validation.pipe.ts). */
const SECURE: ValidatorOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
};

enum Color {
  Red = 'red',
  Blue = 'blue',
}

enum Level {
  Low = 1,
  High = 2,
}

@ValidatorConstraint({ name: 'even' })
class Even implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'number' && value % 2 === 0;
  }
  defaultMessage(): string {
    return '$property must be even';
  }
}

class Strings {
  @IsString() name!: string;
  @MinLength(2) @MaxLength(4) code!: string;
  @Length(1, 3, { message: '$property: $constraint1..$constraint2, got $value' }) short!: string;
  @Matches(/^[a-z]+$/) lower!: string;
  @Contains('x') withX!: string;
  @IsNotEmpty() filled!: string;
}

class Numbers {
  @IsInt() @Min(0) @Max(10) count!: number;
  @IsNumber() ratio!: number;
  @IsNumber({ allowNaN: false, maxDecimalPlaces: 2 }) price!: number;
  @IsPositive() positive!: number;
  @Validate(Even) even!: number;
}

class Choices {
  @IsBoolean() flag!: boolean;
  @IsIn(['a', 'b', 3]) letter!: string | number;
  @IsEnum(Color) color!: Color;
  @IsEnum(Level) level!: Level;
  @IsUUID('4') id!: string;
  @IsEmail() email!: string;
}

class Optionals {
  @IsOptional() @IsString() @Length(1, 64) displayName?: string;
  @IsOptional() @IsInt() age?: number;
  @IsDefined() required!: unknown;
  @Allow() anything?: unknown;
  @ValidateIf((o: Optionals) => o.age !== undefined) @IsString() reason?: string;
}

class Arrays {
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(3) @IsString({ each: true }) tags!: string[];
  @IsOptional() @IsArray() @IsInt({ each: true }) numbers?: number[];
  @IsOptional() @IsArray() items?: unknown[];
}

class Base {
  @IsString() id!: string;
}

class Derived extends Base {
  @IsInt() @Min(1) version!: number;
  @IsOptional() @IsString() note?: string;

  describe(): string {
    return `${this.id}@${this.version}`;
  }
}

class WithDefaults {
  @IsString() kind = 'plain';
  @IsOptional() @IsInt() size?: number;
}

/** A reference-app DTO, as the bench's pipeline scenario uses it. */
class ProfileUpdate {
  @IsEmail() email!: string;
  @IsOptional() @IsString() @Length(1, 64) displayName?: string;
}

const CASES: Array<{ dto: Type; good: unknown[]; bad: unknown[] }> = [
  {
    dto: Strings,
    good: [
      { name: 'a', code: 'ab', short: 'x', lower: 'abc', withX: 'xyz', filled: 'f' },
      { name: '', code: 'abcd', short: 'abc', lower: 'z', withX: 'x', filled: ' ' },
    ],
    bad: [
      { name: 1, code: 'ab', short: 'x', lower: 'abc', withX: 'xyz', filled: 'f' },
      { name: 'a', code: 'a', short: 'abcd', lower: 'ABC', withX: 'y', filled: '' },
      { name: 'a', code: 'abcde', short: 7, lower: 'abc', withX: 'xyz', filled: 'f' },
      { name: ['a'], code: null, short: '', lower: 'ab1', withX: 'xx', filled: null },
      {},
    ],
  },
  {
    dto: Numbers,
    good: [
      { count: 0, ratio: 0.5, price: 1.25, positive: 3, even: 4 },
      { count: 10, ratio: -1e21, price: 2, positive: 0.1, even: -2 },
    ],
    bad: [
      { count: 11, ratio: '1', price: 1.255, positive: 0, even: 3 },
      { count: 1.5, ratio: 1, price: 1, positive: -1, even: '4' },
      { count: -1, ratio: null, price: 1, positive: 1, even: 2 },
      { count: '3', ratio: 1, price: 1, positive: 1, even: 2 },
    ],
  },
  {
    dto: Choices,
    good: [
      {
        flag: true,
        letter: 'a',
        color: 'red',
        level: 2,
        id: '0f8fad5b-d9cb-469f-a165-70867728950e',
        email: 'ada@example.com',
      },
      {
        flag: false,
        letter: 3,
        color: 'blue',
        level: 1,
        id: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
        email: 'a.b+c@sub.example.org',
      },
    ],
    bad: [
      {
        flag: 'true',
        letter: 'c',
        color: 'Red',
        level: 3,
        id: 'not-a-uuid',
        email: 'ada@',
      },
      {
        flag: 1,
        letter: '3',
        color: 'red',
        level: 'High',
        id: '0f8fad5b-d9cb-169f-a165-70867728950e',
        email: 'ada@example.com',
      },
    ],
  },
  {
    dto: Optionals,
    good: [
      { required: 0 },
      { required: 'r', displayName: 'Ada', age: 3, reason: 'why' },
      { required: 'x', displayName: null, anything: { deep: [1, { a: 2 }] } },
      { required: 'x', age: null, reason: 'null age is defined for ValidateIf' },
      { required: false, reason: 5 },
    ],
    bad: [
      {},
      { required: null },
      { required: 1, displayName: '' },
      { required: 1, displayName: 'x'.repeat(65) },
      { required: 1, age: 2, reason: 5 },
      { required: 1, age: '2' },
    ],
  },
  {
    dto: Arrays,
    good: [
      { tags: ['a'] },
      { tags: ['a', 'b', 'c'], numbers: [1, 2], items: [{ x: 1 }, [2], null] },
      { tags: ['x'], numbers: [] },
    ],
    bad: [
      { tags: [] },
      { tags: ['a', 'b', 'c', 'd'] },
      { tags: ['a', 1] },
      { tags: 'a' },
      { tags: ['a'], numbers: [1.5] },
      { tags: ['a'], numbers: 'x' },
      { tags: ['a'], items: {} },
    ],
  },
  {
    dto: Derived,
    good: [
      { id: 'a', version: 1 },
      { version: 2, id: 'b', note: 'n' },
    ],
    bad: [{ id: 1, version: 0 }, { version: 1 }, { id: 'a', version: 1, note: 3 }],
  },
  {
    dto: WithDefaults,
    good: [{}, { kind: 'other' }, { size: 3 }],
    bad: [{ kind: 1 }, { kind: null }, { size: 'big' }],
  },
  {
    dto: ProfileUpdate,
    good: [
      { email: 'ada@example.com' },
      { email: 'ada@example.com', displayName: 'Ada' },
      { displayName: 'Ada', email: 'x@y.io' },
    ],
    bad: [{ email: 'nope' }, { email: 'ada@example.com', displayName: '' }, { displayName: 'A' }],
  },
];

/** Payloads every class gets: unknown keys, keys class-transformer skips, odd values. */
const HOSTILE = [
  '{"unknown": 1}',
  '{"__proto__": {"polluted": true}}',
  '{"constructor": {"name": "x"}}',
  '{"toString": "x"}',
  '{"hasOwnProperty": 1}',
  '{"describe": "not a method"}',
  '{"id": "a", "version": 1, "extra": {"__proto__": {"x": 1}}}',
  '{"tags": ["a"], "items": [{"__proto__": {"x": 1}}]}',
  '{"tags": ["a"], "items": [{"toString": 1}]}',
];

/** The path before the compiled validator: class-transformer, then class-validator. */
function reference(dto: Type, plain: object, options: ValidatorOptions) {
  const instance = plainToInstance(dto, plain) as object;
  const errors = validateSync(instance, options);
  return { instance, details: validationDetails(errors) };
}

function throughPipe(pipe: SecureValidationPipe, dto: Type, plain: object) {
  try {
    return { instance: pipe.validatePayload(plain, dto) as object, details: [] };
  } catch (error) {
    if (!(error instanceof ValidationFailedException)) throw error;
    const response = error.getResponse() as { details: unknown[] };
    return { instance: undefined, details: response.details };
  }
}

function expectSameInstance(actual: object, expected: object, label: string): void {
  expect(Object.getPrototypeOf(actual), label).toBe(Object.getPrototypeOf(expected));
  expect(Object.keys(actual), label).toEqual(Object.keys(expected));
  expect(actual, label).toStrictEqual(expected);
}

describe('the compiled validator per DTO class', () => {
  for (const options of [
    SECURE,
    { ...SECURE, forbidNonWhitelisted: false },
    { ...SECURE, whitelist: false, forbidNonWhitelisted: false },
  ]) {
    describe(`options ${JSON.stringify(options)}`, () => {
      it.each(CASES.map((c) => [c.dto.name, c] as const))(
        '%s: valid payloads straight, the rest exactly as class-validator answers',
        (_name, { dto, good, bad }) => {
          const compiled = compileValidator(dto, options);
          expect(compiled, 'the class is compiled').toBeDefined();
          const pipe = new SecureValidationPipe(options);
          const payloads = [
            ...good.map((p) => [true, JSON.stringify(p)] as const),
            ...bad.map((p) => [false, JSON.stringify(p)] as const),
            ...HOSTILE.map((p) => [undefined, p] as const),
          ];
          let straight = 0;
          for (const [valid, text] of payloads) {
            const label = `${dto.name} ${text}`;
            const ref = reference(dto, JSON.parse(text) as object, options);
            if (valid !== undefined) expect(ref.details.length === 0, label).toBe(valid);
            const fast = compiled?.(JSON.parse(text) as Record<string, unknown>);
            if (ref.details.length > 0) {
              expect(fast, `${label}: the compiled validator never passes an invalid payload`).toBe(
                undefined,
              );
            } else if (fast) {
              expectSameInstance(fast, ref.instance, label);
            }
            if (valid === true) {
              expect(fast, `${label}: a valid payload goes straight`).toBeDefined();
              straight += 1;
            }
            const piped = throughPipe(pipe, dto, JSON.parse(text) as object);
            expect(piped.details, label).toEqual(ref.details);
            if (ref.details.length === 0) {
              expect(piped.instance, label).toBeDefined();
              expectSameInstance(piped.instance as object, ref.instance, label);
            }
          }
          expect(straight).toBe(good.length);
        },
      );
    });
  }

  it('passes no prototype pollution through and leaves the input untouched', () => {
    const compiled = compileValidator(Optionals, SECURE);
    const plain = JSON.parse('{"required": 1, "anything": {"__proto__": {"polluted": true}}}');
    const before = JSON.stringify(plain);
    expect(compiled?.(plain)).toBeUndefined();
    expect(JSON.stringify(plain)).toBe(before);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('leaves classes it cannot follow to class-transformer and class-validator', () => {
    class Child {
      @IsString() name!: string;
    }
    class Nested {
      @ValidateNested() @TransformType(() => Child) child!: Child;
    }
    class Typed {
      @IsString() @TransformType(() => String) name!: string;
    }
    class Transformed {
      @IsString() @Transform(({ value }) => String(value).trim()) name!: string;
    }
    @ValidatorConstraint({ name: 'later', async: true })
    class Later implements ValidatorConstraintInterface {
      async validate(): Promise<boolean> {
        return true;
      }
    }
    class Async {
      @Validate(Later) name!: string;
    }
    class Empty {
      name?: string;
    }
    class Unvalidated {
      @IsString() name!: string;
      extra = 1;
    }
    for (const dto of [Nested, Typed, Transformed, Async, Empty, Unvalidated]) {
      expect(compileValidator(dto, SECURE), dto.name).toBeUndefined();
    }
    expect(compileValidator(Strings, { ...SECURE, skipMissingProperties: true })).toBeUndefined();
    // Through the pipe, such a class is still validated, by the full path.
    const pipe = new SecureValidationPipe();
    expect(() => pipe.validatePayload({ name: 1 }, Transformed)).not.toThrow();
    expect(pipe.validatePayload({ name: ' a ' }, Transformed)).toEqual({ name: 'a' });
    expect(() => pipe.validatePayload({ name: 'a' }, Unvalidated)).toThrow(
      ValidationFailedException,
    );
  });
});
