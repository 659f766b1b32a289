import { createRequire } from 'node:module';
import { type Type } from '@nestjs/common';
import { TransformationType } from 'class-transformer';

/** The part of class-transformer's metadata storage read here (`class-transformer/types/MetadataStorage.d.ts`). */
interface TransformerStorage {
  findTransformMetadatas(target: Type, property: string, type: TransformationType): unknown[];
  findTypeMetadata(target: Type, property: string): unknown;
  getStrategy(target: Type): 'excludeAll' | 'exposeAll' | 'none';
  getExposedProperties(target: Type, type: TransformationType): string[];
  getExcludedProperties(target: Type, type: TransformationType): string[];
}

// The storage `plainToInstance` reads: class-transformer's package root is CommonJS and
// exports no map, so this is the very module its index requires.
const { defaultMetadataStorage: storage } = createRequire(import.meta.url)(
  'class-transformer/cjs/storage.js',
) as { defaultMetadataStorage: TransformerStorage };

/**
 * Whether `plainToInstance(metatype, plain)` only copies `properties` of a
 * plain object as they are: no `@Type`, `@Transform`, `@Expose` or
 * `@Exclude` on the class (or its ancestors) for them, no class-level
 * strategy.
 */
export function copiedAsIs(metatype: Type, properties: readonly string[]): boolean {
  const plainToClass = TransformationType.PLAIN_TO_CLASS;
  if (storage.getStrategy(metatype) !== 'none') return false;
  if (storage.getExposedProperties(metatype, plainToClass).length > 0) return false;
  if (storage.getExcludedProperties(metatype, plainToClass).length > 0) return false;
  return properties.every(
    (property) =>
      storage.findTypeMetadata(metatype, property) === undefined &&
      storage.findTransformMetadatas(metatype, property, plainToClass).length === 0,
  );
}
