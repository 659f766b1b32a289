import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { standardSchemaToJson } from '../../src/asyncapi/json-schema.js';

describe('JSON Schema of a Standard Schema', () => {
  it("takes the library's own (~standard.jsonSchema) for what it accepts, without $schema", () => {
    expect(standardSchemaToJson(z.object({ a: z.string().max(3) }), undefined)).toEqual({
      type: 'object',
      properties: { a: { type: 'string', maxLength: 3 } },
      required: ['a'],
    });
  });

  it('prefers the asyncapi.toJsonSchema converter to the one found by vendor', () => {
    const schema = v.object({ a: v.string() });
    expect(standardSchemaToJson(schema, () => ({ title: 'mine', $schema: 'x' }))).toEqual({
      title: 'mine',
    });
    expect(standardSchemaToJson(schema, undefined)).toMatchObject({
      type: 'object',
      properties: { a: { type: 'string' } },
    });
  });

  it('says why when there is no way to convert, or the converter throws', () => {
    const opaque = {
      '~standard': {
        version: 1 as const,
        vendor: 'acme',
        validate: (value: unknown) => ({ value }),
      },
    };
    expect(standardSchemaToJson(opaque, undefined)).toEqual({
      description:
        "An acme schema; give the module's asyncapi.toJsonSchema option a converter to describe it",
    });
    const failing = () => {
      throw new Error('unsupported');
    };
    expect(standardSchemaToJson(opaque, failing)).toEqual({
      description: 'An acme schema that could not be converted: unsupported',
    });
  });
});
