import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const root = resolve(import.meta.dirname, '../..');

/** A build of the package by tsc into a folder of its own. */
export interface PackageBuild {
  readonly outDir: string;
  remove(): void;
}

/**
 * Compiles `tsconfig.build.json` into `build/<label>-<pid>`, never `dist`,
 * so that a test's build cannot race another test or `npm run build`.
 */
export async function buildPackage(label: string): Promise<PackageBuild> {
  const outDir = join(root, 'build', `${label}-${process.pid}`);
  await promisify(execFile)(
    process.execPath,
    [
      join(root, 'node_modules/typescript/bin/tsc'),
      '-p',
      'tsconfig.build.json',
      '--outDir',
      outDir,
    ],
    { cwd: root },
  );
  return { outDir, remove: () => rmSync(outDir, { recursive: true, force: true }) };
}
