import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPackage, type PackageBuild } from './support/package-build.js';

const root = resolve(import.meta.dirname, '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  exports: Record<string, string | Record<string, string>>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
};
/** Packages the user's app has its own copy of, which the module must share. */
const SHARED_WITH_APP = [
  '@nestjs/common',
  '@nestjs/core',
  '@nestjs/websockets',
  '@nestjs/platform-ws',
  'ws',
  'rxjs',
  'reflect-metadata',
];
let build: PackageBuild;

const IMPORT =
  /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(?\s*['"]([^'"]+)['"]/g;

function importsOf(source: string): string[] {
  return [...source.matchAll(IMPORT)].map((match) => (match[1] ?? match[2]) as string);
}

function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] as string);
}

function isBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || builtinModules.includes(specifier);
}

function filesUnder(dir: string, extension: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(extension))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Where an `exports` target (`./dist/...`) lands in this test's build. */
function built(target: string): string {
  return target.startsWith('./dist/')
    ? join(build.outDir, target.slice('./dist/'.length))
    : join(root, target);
}

describe('the package manifest', () => {
  beforeAll(async () => {
    build = await buildPackage('manifest-test');
  }, 120_000);
  afterAll(() => build.remove());

  it('has a built file for every target of the exports map', () => {
    const targets = Object.entries(manifest.exports).flatMap(([entry, target]) =>
      typeof target === 'string'
        ? [[entry, target]]
        : Object.values(target).map((path) => [entry, path]),
    );
    expect(targets.map(([entry]) => entry)).toEqual(
      expect.arrayContaining(['.', './client', './testing']),
    );
    const missing = targets.filter(([, target]) => !existsSync(built(target as string)));
    expect(missing).toEqual([]);
  });

  it('gives every entry point the conditions CommonJS and ESM apps and TypeScript need', () => {
    const entries = Object.entries(manifest.exports).filter(
      ([entry]) => entry !== './package.json',
    );
    const lacking = entries
      .filter(
        ([, target]) =>
          typeof target === 'string' ||
          Object.keys(target)[0] !== 'types' ||
          !('import' in target) ||
          !('default' in target),
      )
      .map(([entry]) => entry);
    // types first (TypeScript takes the first condition that matches); default: require(esm) from CommonJS.
    expect(lacking).toEqual([]);
  });

  it('declares every package that src/ (outside src/app) imports as a dependency or peer', () => {
    const declared = new Set([
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
    ]);
    const undeclared = filesUnder(join(root, 'src'), '.ts')
      .filter((file) => !relative(join(root, 'src'), file).startsWith('app'))
      .flatMap((file) =>
        importsOf(readFileSync(file, 'utf8'))
          .filter((specifier) => !specifier.startsWith('.') && !isBuiltin(specifier))
          .filter((specifier) => !declared.has(packageOf(specifier)))
          .map((specifier) => `${relative(root, file)}: ${specifier}`),
      );
    expect(undeclared).toEqual([]);
  });

  it('uses every runtime dependency: imported by the build (outside the reference app), or a peer of one that is', () => {
    const imported = new Set(
      // The .d.ts files too: a package used only for types (e.g. @standard-schema/spec) is used by the app's compiler.
      [...filesUnder(build.outDir, '.js'), ...filesUnder(build.outDir, '.d.ts')]
        .filter((file) => !relative(build.outDir, file).startsWith('app'))
        .flatMap((file) => importsOf(readFileSync(file, 'utf8')))
        .filter((specifier) => !specifier.startsWith('.') && !isBuiltin(specifier))
        .map(packageOf),
    );
    const peersOfImported = [...imported].flatMap((name) => {
      const path = join(root, 'node_modules', name, 'package.json');
      if (!existsSync(path)) return [];
      const own = JSON.parse(readFileSync(path, 'utf8')) as {
        peerDependencies?: Record<string, string>;
      };
      return Object.keys(own.peerDependencies ?? {});
    });
    const unused = Object.keys(manifest.dependencies ?? {}).filter(
      (name) => !imported.has(name) && !peersOfImported.includes(name),
    );
    expect(unused).toEqual([]);
  });

  it('takes Nest and ws from the app as peers, so there is one copy of each', () => {
    for (const name of SHARED_WITH_APP) {
      expect(manifest.peerDependencies, name).toHaveProperty([name]);
      expect(manifest.dependencies ?? {}, name).not.toHaveProperty([name]);
    }
    // Any other @nestjs/* package it depends on (e.g. @nestjs/jwt) must itself take Nest as a peer.
    const nestDependencies = Object.keys(manifest.dependencies ?? {}).filter((name) =>
      name.startsWith('@nestjs/'),
    );
    for (const name of nestDependencies) {
      const own = JSON.parse(
        readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8'),
      ) as { peerDependencies?: Record<string, string> };
      expect(own.peerDependencies, name).toHaveProperty(['@nestjs/common']);
    }
  });

  it('builds a browser-safe client: its whole import graph is relative files, no Node, no packages', () => {
    const seen = new Set<string>();
    const outside: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
        if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier));
        else outside.push(`${relative(build.outDir, file)}: ${specifier}`);
      }
    };
    visit(built('./dist/client/index.js'));
    expect(outside).toEqual([]);
    expect([...seen].map((file) => relative(build.outDir, file)).sort()).toContain(
      'errors/error-codes.js',
    );
  });

  it('builds an emitter for plain Node processes: no Nest, no ws; its one package, ioredis, loaded on first use', () => {
    const seen = new Set<string>();
    const packages = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
        if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier));
        else packages.add(specifier);
      }
    };
    visit(built('./dist/emitter/index.js'));
    // Node's own modules only: ioredis is required by src/bus/ioredis.ts when the
    // emitter connects, not imported; node:async_hooks gives the Redis turn
    // writer its write scope (src/bus/redis-turn-writer.ts).
    expect([...packages].sort()).toEqual(['node:async_hooks', 'node:module']);
    expect([...seen].map((file) => relative(build.outDir, file))).toContain('bus/ioredis.js');
  });
});
