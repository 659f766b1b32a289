import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type DynamicModule, type Type } from '@nestjs/common';

type ModuleDefinition = Type | DynamicModule;

function isModuleClass(value: unknown): value is Type {
  return typeof value === 'function' && Reflect.hasMetadata('imports', value);
}

function isDynamicModule(value: unknown): value is DynamicModule {
  return typeof value === 'object' && value !== null && 'module' in value;
}

/**
 * Loads the root module of an app from a built file: its `default` export or
 * the export named `exportName`, a module class, a `DynamicModule`, or a
 * function (maybe async) returning one, e.g. `() => AppModule.forRoot(config)`.
 */
export async function loadModule(file: string, exportName?: string): Promise<ModuleDefinition> {
  const exports = (await import(pathToFileURL(resolve(file)).href)) as Record<string, unknown>;
  const candidates = exportName
    ? [exports[exportName]]
    : [exports.default, ...Object.values(exports).filter(isModuleClass)];
  for (const candidate of candidates) {
    const value =
      typeof candidate === 'function' && !isModuleClass(candidate)
        ? await (candidate as () => unknown)()
        : candidate;
    if (isModuleClass(value) || isDynamicModule(value)) return value;
  }
  throw new Error(
    `${file} exports no Nest module${exportName ? ` named "${exportName}"` : ''}: export a module class, a DynamicModule or a function returning one.`,
  );
}
