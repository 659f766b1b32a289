import { createRequire } from 'node:module';
import { type Type } from '@nestjs/common';
import { type StandardJSONSchemaV1, type StandardSchemaV1 } from '@standard-schema/spec';
import type { MetadataStorage } from 'class-transformer/types/MetadataStorage.js';
import {
  targetConstructorToSchema,
  validationMetadatasToSchemas,
} from 'class-validator-jsonschema';

/** A JSON Schema (AsyncAPI's schema format is a superset of draft-07). */
export type JsonSchema = { [keyword: string]: unknown };

import { type StandardSchemaToJson } from '../options/asyncapi-options.interface.js';

export type { StandardSchemaToJson };

const COMPONENT_PREFIX = '#/components/schemas/';

/** The storage `@Type(() => Dto)` writes to: class-transformer's CommonJS build, as Node loads it. */
const { defaultMetadataStorage } = createRequire(import.meta.url)(
  'class-transformer/cjs/storage.js',
) as { defaultMetadataStorage: MetadataStorage };

function isStandardJsonSchema(
  schema: StandardSchemaV1,
): schema is StandardSchemaV1 & StandardJSONSchemaV1 {
  const converter = (schema['~standard'] as Partial<StandardJSONSchemaV1.Props>).jsonSchema;
  return typeof converter?.input === 'function';
}

/** True for a Standard Schema object (zod, valibot, ArkType…). */
export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  const props = (value as { '~standard'?: { validate?: unknown } } | null | undefined)?.[
    '~standard'
  ];
  return typeof props?.validate === 'function';
}

/** Drops the `$schema` keyword: AsyncAPI documents say their format once. */
function embeddable(schema: JsonSchema): JsonSchema {
  const { $schema: _dialect, ...rest } = schema;
  return rest;
}

/** Converters the module finds by itself, by vendor, when the app has them installed. */
const KNOWN_CONVERTERS: Record<string, { module: string; name: string }> = {
  valibot: { module: '@valibot/to-json-schema', name: 'toJsonSchema' },
};

function knownConverter(vendor: string): StandardSchemaToJson | undefined {
  const known = KNOWN_CONVERTERS[vendor];
  if (!known) return undefined;
  try {
    const converter = (createRequire(import.meta.url)(known.module) as Record<string, unknown>)[
      known.name
    ];
    return typeof converter === 'function' ? (converter as StandardSchemaToJson) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * JSON Schema of a Standard Schema: the library's own (`~standard.jsonSchema`,
 * zod 4 and ArkType), else `convert`, else a converter found by vendor
 * (valibot: `@valibot/to-json-schema`, when installed), else an open schema
 * that says why.
 */
export function standardSchemaToJson(
  schema: StandardSchemaV1,
  convert: StandardSchemaToJson | undefined,
): JsonSchema {
  const vendor = schema['~standard'].vendor;
  try {
    if (isStandardJsonSchema(schema)) {
      return embeddable(schema['~standard'].jsonSchema.input({ target: 'draft-07' }) as JsonSchema);
    }
    const converted = (convert ?? knownConverter(vendor))?.(schema);
    if (converted) return embeddable(converted as JsonSchema);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { description: `An ${vendor} schema that could not be converted: ${reason}` };
  }
  return {
    description: `An ${vendor} schema; give the module's asyncapi.toJsonSchema option a converter to describe it`,
  };
}

/**
 * The DTO classes' schemas, collected into `components.schemas` by class
 * name, nested DTOs included. Unknown properties are refused by the
 * validation pipe, so objects are closed.
 */
export class DtoSchemas {
  readonly components: Record<string, JsonSchema> = {};
  private all: Record<string, JsonSchema> | undefined;

  /** A `$ref` to the DTO's schema, adding it (and every DTO it nests) to the components. */
  refTo(dto: Type): JsonSchema {
    const name = this.nameOf(dto);
    if (!this.components[name]) {
      this.components[name] = this.closed(
        targetConstructorToSchema(dto, this.options()) as JsonSchema,
      );
      this.addNested(this.components[name]);
    }
    return { $ref: `${COMPONENT_PREFIX}${name}` };
  }

  private readonly names = new Map<Type, string>();

  /** The class's name, numbered when another class of the same name came first. */
  private nameOf(dto: Type): string {
    let name = this.names.get(dto);
    if (name) return name;
    const taken = new Set(this.names.values());
    name = dto.name;
    for (let n = 2; taken.has(name); n++) name = `${dto.name}${n}`;
    this.names.set(dto, name);
    return name;
  }

  private options() {
    return {
      classTransformerMetadataStorage: defaultMetadataStorage,
      refPointerPrefix: COMPONENT_PREFIX,
    };
  }

  private closed(schema: JsonSchema): JsonSchema {
    return schema.type === 'object' ? { ...schema, additionalProperties: false } : schema;
  }

  private addNested(schema: unknown): void {
    if (Array.isArray(schema)) {
      for (const item of schema) this.addNested(item);
      return;
    }
    if (typeof schema !== 'object' || schema === null) return;
    for (const [key, value] of Object.entries(schema)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith(COMPONENT_PREFIX)) {
        const name = value.slice(COMPONENT_PREFIX.length);
        if (this.components[name]) continue;
        this.all ??= validationMetadatasToSchemas(this.options()) as Record<string, JsonSchema>;
        const nested = this.all[name];
        this.components[name] = nested ? this.closed(nested) : { type: 'object' };
        this.addNested(this.components[name]);
      } else {
        this.addNested(value);
      }
    }
  }
}
