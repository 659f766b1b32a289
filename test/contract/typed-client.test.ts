import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const fixture = join(root, 'test/contract/types/typed-client.fixture.ts');
const work = join(root, 'build', `typed-client-${process.pid}`);
const DIRECTIVE = '// @ts-expect-error';

/** Runs tsc on one file with the project's compiler options; the error lines it reports. */
async function compile(
  file: string,
): Promise<{ ok: boolean; errorLines: number[]; output: string }> {
  mkdirSync(work, { recursive: true });
  const project = join(work, `tsconfig-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(
    project,
    JSON.stringify({
      extends: join(root, 'tsconfig.json'),
      compilerOptions: { noEmit: true },
      files: [file],
      include: [],
    }),
  );
  try {
    await promisify(execFile)(
      process.execPath,
      [join(root, 'node_modules/typescript/bin/tsc'), '-p', project],
      {
        cwd: root,
      },
    );
    return { ok: true, errorLines: [], output: '' };
  } catch (error) {
    const output = String((error as { stdout?: string }).stdout ?? error);
    const errorLines = [...output.matchAll(/\((\d+),\d+\): error TS/g)].map((match) =>
      Number(match[1]),
    );
    return { ok: false, errorLines: [...new Set(errorLines)], output };
  }
}

describe('WsClient<Contract>: the reference app contract checked at compile time', () => {
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('compiles the right uses, typed and untyped, and every expected error is there', async () => {
    const result = await compile(fixture);
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  }, 120_000);

  it('fails on a wrong event name, payload, reply or push use: each marked line, nothing else', async () => {
    const lines = readFileSync(fixture, 'utf8').split('\n');
    const expected: number[] = [];
    // Each directive is replaced by a blank line, so the line below it keeps its number.
    const stripped = lines.map((line, index) => {
      if (!line.trim().startsWith(DIRECTIVE)) return line;
      expected.push(index + 2);
      return '';
    });
    expect(expected.length).toBeGreaterThanOrEqual(9);
    const copy = join(work, 'typed-client.stripped.ts');
    mkdirSync(work, { recursive: true });
    writeFileSync(copy, stripped.join('\n').replaceAll("'../../../", `'${root}/`));
    const result = await compile(copy);
    expect(result.ok).toBe(false);
    expect(result.errorLines).toEqual(expected);
  }, 120_000);
});
