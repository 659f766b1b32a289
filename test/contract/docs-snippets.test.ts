import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const work = join(root, 'build', `docs-snippets-${process.pid}`);

/** The ```ts blocks of a page that are whole files (they start with an import). */
function snippets(page: string): string[] {
  const text = readFileSync(join(root, page), 'utf8');
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)]
    .map((match) => match[1] ?? '')
    .filter((code) => code.startsWith('import '));
}

describe('docs/contract.md', () => {
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('its examples compile under strict TypeScript, with the package as users import it', async () => {
    const blocks = snippets('docs/contract.md');
    expect(blocks.length).toBeGreaterThanOrEqual(4);
    mkdirSync(work, { recursive: true });
    copyFileSync(
      join(root, 'contract/reference-app.contract.d.ts'),
      join(work, 'reference-app.contract.d.ts'),
    );
    const files = blocks.map((code, index) => {
      const file = join(work, `snippet-${index}.ts`);
      writeFileSync(file, `${code}\nexport {};\n`);
      return file;
    });
    const project = join(work, 'tsconfig.json');
    writeFileSync(
      project,
      JSON.stringify({
        extends: join(root, 'tsconfig.json'),
        compilerOptions: {
          noEmit: true,
          paths: {
            'nestjs-secure-ws': [join(root, 'src/index.ts')],
            'nestjs-secure-ws/client': [join(root, 'src/client/index.ts')],
          },
        },
        files,
        include: [],
      }),
    );
    const result = await promisify(execFile)(process.execPath, [
      join(root, 'node_modules/typescript/bin/tsc'),
      '-p',
      project,
    ]).then(
      () => '',
      (error: { stdout?: string }) => String(error.stdout),
    );
    expect(result).toBe('');
  }, 120_000);
});
