import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import {
  describeMajorGcs,
  type MajorGc,
  majorGcsBetween,
  watchMajorGcs,
} from '../../bench/lib/major-gcs.js';
import { settledHeap } from '../hostile/support/memory.js';

/** Until `check` holds (the observer hears of collections a turn or more later), at most 2 s. */
async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

describe('major GCs of a bench server', () => {
  it('records each full collection, when it started on performance.now() and its pause', async () => {
    const majorGcs = watchMajorGcs();
    const before = performance.now();
    await settledHeap(); // three forced full collections
    const after = performance.now();
    await until(() => majorGcs().length >= 3);

    const inWindow = majorGcsBetween(majorGcs(), before, after);
    expect(inWindow).toHaveLength(3);
    for (const gc of inWindow) {
      expect(gc.ms).toBeGreaterThan(0);
      // Forced by gc(): not the memory reducer's.
      expect(gc.reducer).toBe(false);
    }
    expect(majorGcsBetween(majorGcs(), after, Number.POSITIVE_INFINITY)).toEqual([]);
  });

  it("names each pause of a node's window, the memory reducer's marked", () => {
    const gcs: MajorGc[] = [
      { at: 100, ms: 8.24, reducer: false },
      { at: 2000, ms: 16.04, reducer: true },
      { at: 2650, ms: 33.38, reducer: true },
    ];
    expect(describeMajorGcs('B', majorGcsBetween(gcs, 1000, 3000))).toBe(
      'B 16.0 ms (memory reducer) and 33.4 ms (memory reducer)',
    );
    expect(describeMajorGcs('A', majorGcsBetween(gcs, 0, 1000))).toBe('A 8.2 ms');
    expect(describeMajorGcs('A', majorGcsBetween(gcs, 3000, 4000))).toBe('A none');
    expect(describeMajorGcs('A', gcs)).toBe(
      'A 8.2 ms, 16.0 ms (memory reducer) and 33.4 ms (memory reducer)',
    );
  });
});
