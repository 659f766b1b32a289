import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLOSE_CODE_OF, WsCloseCode, WsErrorCode } from '../../src/errors/error-codes.js';
import { HandshakeRefusalCode } from '../../src/protection/handshake-guard.js';
import { codeIn, tableUnder } from '../support/markdown.js';

const root = resolve(import.meta.dirname, '../..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const protocol = read('docs/protocol.md');
const sorted = (values: Iterable<string>) => [...new Set(values)].sort();

/**
 * Error codes other pages document in a table of the same form
 * (`| code | when | the connection |`): a feature's own page may add its codes.
 */
function errorCodesOfOtherPages(): string[] {
  return readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md') && name !== 'protocol.md')
    .flatMap((name) => {
      const lines = read(`docs/${name}`).split('\n');
      const codes: string[] = [];
      let inCodeTable = false;
      for (const line of lines) {
        if (/^\|\s*code\s*\|\s*when\s*\|/.test(line)) inCodeTable = true;
        else if (!line.startsWith('|')) inCodeTable = false;
        else if (inCodeTable) {
          const code = codeIn(line.split('|')[1]);
          if (code) codes.push(code);
        }
      }
      return codes;
    });
}

describe('docs/protocol.md and the source agree', () => {
  it('documents every error code of WsErrorCode, and no code the source lacks', () => {
    const documented = tableUnder(protocol, '## Error codes').map(
      ([code]) => codeIn(code) as string,
    );
    const elsewhere = errorCodesOfOtherPages();
    const inSource = Object.values(WsErrorCode);
    expect(
      inSource.filter((code) => !documented.includes(code) && !elsewhere.includes(code)),
    ).toEqual([]);
    expect(documented.filter((code) => !(inSource as string[]).includes(code))).toEqual([]);
  });

  it('documents every close code of WsCloseCode, and no other', () => {
    const documented = tableUnder(protocol, '## Close codes').map(([code]) => Number(code));
    expect(documented.sort()).toEqual(Object.values(WsCloseCode).sort());
  });

  it('documents every HTTP refusal code before the upgrade, and no code the source lacks', () => {
    const rows = tableUnder(protocol, '## Refused before the upgrade (HTTP)');
    const documented = rows.map(([, code]) => codeIn(code) as string);
    const known = [
      ...Object.values(HandshakeRefusalCode),
      ...Object.values(WsErrorCode),
    ] as string[];
    expect(
      sorted(Object.values(HandshakeRefusalCode).filter((code) => !documented.includes(code))),
    ).toEqual([]);
    expect(documented.filter((code) => !known.includes(code))).toEqual([]);
    expect(rows.every(([status]) => /^[45]\d\d$/.test(status as string))).toBe(true);
  });

  it('says "closed <code>" for every error that closes the connection, as CLOSE_CODE_OF does', () => {
    for (const [cell, , connection] of tableUnder(protocol, '## Error codes')) {
      const code = codeIn(cell) as WsErrorCode;
      const closeCode = CLOSE_CODE_OF[code];
      if (closeCode !== undefined)
        expect(connection, code).toMatch(new RegExp(`^closed ${closeCode}`));
    }
  });
});

describe('links between the pages', () => {
  it('point to files that exist, or to pages other branches add', () => {
    const pending = ['robustness', 'extending', 'delivery', 'contract', 'observability'].map(
      (name) => `docs/${name}.md`,
    );
    const pages = ['README.md', ...readdirSync(join(root, 'docs')).map((name) => `docs/${name}`)];
    const broken = pages.flatMap((page) =>
      [...read(page).matchAll(/\]\(([\w./-]+)(?:#[\w-]+)?\)/g)]
        .map((match) => join(page, '..', match[1] as string))
        .filter((target) => !existsSync(join(root, target)) && !pending.includes(target))
        .map((target) => `${page} → ${target}`),
    );
    expect(broken).toEqual([]);
  });
});

describe('README.md', () => {
  const readme = read('README.md');

  it('names every error and HTTP refusal code in a table, and links the contract inside the repository', () => {
    const rowCodes = readme
      .split('\n')
      .filter((line) => line.startsWith('|'))
      .flatMap((line) => [...line.matchAll(/`([A-Z_]{4,})`/g)].map((match) => match[1] as string));
    const codes = [...Object.values(WsErrorCode), ...Object.values(HandshakeRefusalCode)];
    expect(codes.filter((code) => !rowCodes.includes(code))).toEqual([]);
    expect(readme).toContain('(docs/protocol.md)');
    expect(readme).not.toContain('../shared/');
  });
});
