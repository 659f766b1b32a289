import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPackage, type PackageBuild } from '../support/package-build.js';

const root = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

describe('the nestjs-secure-ws CLI', () => {
  let build: PackageBuild;
  const cli = () => join(build.outDir, 'cli/main.js');

  beforeAll(async () => {
    build = await buildPackage('cli');
  }, 120_000);
  afterAll(() => build?.remove());

  it('is the package bin', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(manifest.bin).toEqual({ 'nestjs-secure-ws': './dist/cli/main.js' });
    expect(readFileSync(cli(), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it("asyncapi --module writes the reference app's document, as committed", async () => {
    const { stdout } = await run(process.execPath, [
      cli(),
      'asyncapi',
      '--module',
      join(build.outDir, 'app/contract.module.js'),
    ]);
    const committed = readFileSync(join(root, 'contract/asyncapi.json'), 'utf8');
    expect(JSON.parse(stdout)).toEqual(JSON.parse(committed));
  }, 60_000);

  it('types --input writes the contract types, as committed', async () => {
    const { stdout } = await run(process.execPath, [
      cli(),
      'types',
      '--input',
      join(root, 'contract/asyncapi.json'),
      '--name',
      'ReferenceAppContract',
    ]);
    expect(stdout).toBe(readFileSync(join(root, 'contract/reference-app.contract.d.ts'), 'utf8'));
  }, 60_000);

  it('check exits 0 against the committed document, 1 naming the change against an edited one', async () => {
    const module = join(build.outDir, 'app/contract.module.js');
    const committed = join(root, 'contract/asyncapi.json');
    await run(process.execPath, [cli(), 'check', '--module', module, '--against', committed]);
    const edited = JSON.parse(readFileSync(committed, 'utf8'));
    edited.channels.ws.messages['whoami.request'].payload.properties.event.const = 'whoami.old';
    const against = join(build.outDir, 'edited-asyncapi.json');
    writeFileSync(against, JSON.stringify(edited));
    const failure = await run(process.execPath, [
      cli(),
      'check',
      '--module',
      module,
      '--against',
      against,
    ]).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain(`The contract differs from ${against}:\n`);
    expect(failure?.stderr).toContain('- BREAKING: /ws event `whoami.old` was removed');
  }, 60_000);

  it('fails with one sentence, exit code 1, for a file that exports no module', async () => {
    const file = join(build.outDir, 'not-a-module.js');
    writeFileSync(file, 'export const answer = 42;\n');
    const failure = await run(process.execPath, [cli(), 'asyncapi', '--module', file]).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toBe(
      `${file} exports no Nest module: export a module class, a DynamicModule or a function returning one.\n`,
    );
  }, 60_000);

  it('prints its usage for an unknown command', async () => {
    const failure = await run(process.execPath, [cli(), 'nope']).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toMatch(/^Usage:\n {2}nestjs-secure-ws asyncapi --module <file.js>/);
  });
});
