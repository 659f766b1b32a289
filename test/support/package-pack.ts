import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { buildPackage } from './package-build.js';

const root = resolve(import.meta.dirname, '../..');

/** The tarball `npm pack` makes of the package, as it would be published. */
export interface PackedPackage {
  /** Absolute path of `nestjs-secure-ws-<version>.tgz`. */
  readonly tarball: string;
  /** Every path in the tarball, relative to the package root. */
  readonly files: readonly string[];
  remove(): void;
}

interface PackReport {
  filename: string;
  files: { path: string }[];
}

/**
 * Builds the package into a staging folder of its own (never `dist`, so it
 * cannot race `npm run build`), with the files `package.json` publishes, and
 * runs `npm pack` there.
 */
export async function packPackage(label: string): Promise<PackedPackage> {
  const staging = mkdtempSync(join(tmpdir(), `nsw-${label}-`));
  const build = await buildPackage(label);
  try {
    cpSync(build.outDir, join(staging, 'dist'), { recursive: true });
  } finally {
    build.remove();
  }
  for (const name of ['package.json', 'README.md', 'LICENSE', 'docs']) {
    if (existsSync(join(root, name)))
      cpSync(join(root, name), join(staging, name), { recursive: true });
  }
  const { stdout } = await promisify(execFile)(
    'npm',
    ['pack', '--json', '--ignore-scripts', '--pack-destination', staging],
    { cwd: staging, env: { ...process.env, npm_config_update_notifier: 'false' } },
  );
  const [report] = JSON.parse(stdout) as PackReport[];
  if (!report) throw new Error('npm pack reported nothing');
  return {
    tarball: join(staging, report.filename),
    files: report.files.map((file) => file.path),
    remove: () => rmSync(staging, { recursive: true, force: true }),
  };
}
