import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderCycles, folderGraph } from './folder-graph.js';

const SRC = resolve(import.meta.dirname, '../../src');

/**
 * Imports between folders that still close a cycle, to be undone: each is
 * removed from the graph before the check, and must still exist, so that
 * this list only shrinks. Empty since issue #12: `options/` imports no
 * feature (each feature adds its options to the module's by declaration
 * merging, and secure-ws.module-options.ts resolves them all).
 */
const KNOWN_BACK_EDGES: ReadonlyArray<readonly [string, string]> = [];

describe('the folders of src/ import each other without a cycle', () => {
  it('finds a cycle when there is one (the check can fail)', () => {
    const graph = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
      ['d', new Set(['a'])],
    ]);
    expect(folderCycles(graph)).toEqual(['a -> b -> c -> a']);
  });

  it('has no cycle between folders of src/ (imports of types included)', () => {
    const graph = folderGraph(SRC);
    for (const [from, to] of KNOWN_BACK_EDGES) {
      expect(graph.get(from)?.has(to), `${from} -> ${to} is gone: drop it from the list`).toBe(
        true,
      );
      graph.get(from)?.delete(to);
    }
    expect(folderCycles(graph)).toEqual([]);
  });
});
