import { describe, expect, it } from 'vitest';
import { DtoSchemas } from '../../src/asyncapi/json-schema.js';
import { schemaToTypeScript } from '../../src/asyncapi/schema-to-typescript.js';
import * as first from './support/dto-twins/first.dto.js';
import * as second from './support/dto-twins/second.dto.js';

describe('JSON Schema to TypeScript (the contract types)', () => {
  it.each([
    [{ type: 'string' }, 'string'],
    [{ type: 'integer' }, 'number'],
    [{ type: ['string', 'null'] }, 'string | null'],
    [{ enum: ['a', "it's"] }, "'a' | 'it\\'s'"],
    [{ const: 3 }, '3'],
    [{ anyOf: [{ type: 'string' }, {}] }, 'unknown'],
    [{ oneOf: [{ type: 'string' }, { type: 'integer' }] }, 'string | number'],
    [{ type: 'array', items: { type: ['string', 'null'] } }, '(string | null)[]'],
    [{ type: 'object', additionalProperties: { type: 'number' } }, 'Record<string, number>'],
    [{ type: 'object' }, 'Record<string, unknown>'],
    [{ description: 'anything' }, 'unknown'],
    [{ $ref: '#/components/schemas/Room' }, 'Room'],
  ])('%j → %s', (schema, type) => {
    expect(schemaToTypeScript(schema, new Set())).toBe(type);
  });

  it('writes objects with optional fields and quoted keys, and collects refs', () => {
    const refs = new Set<string>();
    const type = schemaToTypeScript(
      {
        type: 'object',
        required: ['room'],
        properties: { room: { $ref: '#/components/schemas/Room' }, 'x-y': { type: 'boolean' } },
      },
      refs,
    );
    expect(type).toBe("{\n  room: Room;\n  'x-y'?: boolean;\n}");
    expect([...refs]).toEqual(['Room']);
  });
});

describe('DTO schemas', () => {
  it('gives two DTO classes of the same name two components', () => {
    const schemas = new DtoSchemas();
    expect(schemas.refTo(first.TwinDto)).toEqual({ $ref: '#/components/schemas/TwinDto' });
    expect(schemas.refTo(second.TwinDto)).toEqual({ $ref: '#/components/schemas/TwinDto2' });
    expect(schemas.refTo(first.TwinDto)).toEqual({ $ref: '#/components/schemas/TwinDto' });
    expect(Object.keys(schemas.components.TwinDto?.properties as object)).toEqual(['a']);
    expect(Object.keys(schemas.components.TwinDto2?.properties as object)).toEqual(['b']);
  });
});
