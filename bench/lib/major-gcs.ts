/**
 * V8's major collections (mark-compacts) as a bench server sees them. The
 * cross-node scenario names those that fall in its measured window: one
 * pause of tens of ms moves a p99 of a few ms, and the table should say
 * when that is what moved it (BENCHMARKS.md, "History on Node 22").
 */
import { constants, type NodeGCPerformanceDetail, PerformanceObserver } from 'node:perf_hooks';

export interface MajorGc {
  /** When it started, on the server's `performance.now()` clock (ms), as `CpuSample.at`. */
  at: number;
  /** How long the main thread stood still for it (ms). */
  ms: number;
  /**
   * Started by V8's memory reducer, which V8 runs when it judges the
   * process idle by its allocation rate: it compacts the whole heap to
   * return memory. Told by the flag V8 passes with those collections
   * (`kGCCallbackFlagCollectAllExternalMemory`).
   */
  reducer: boolean;
}

/** The most collections a watch keeps (the latest); a bench run makes a few dozen. */
const KEEP = 64;

/** Starts recording major collections; the function returned gives those so far. */
export function watchMajorGcs(): () => MajorGc[] {
  const seen: MajorGc[] = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      // A `gc` entry's detail (the typings give it to marks and measures only).
      const { detail } = entry as { detail?: NodeGCPerformanceDetail };
      if (detail?.kind !== constants.NODE_PERFORMANCE_GC_MAJOR) continue;
      const flags = detail.flags ?? 0;
      seen.push({
        at: entry.startTime,
        ms: entry.duration,
        reducer: (flags & constants.NODE_PERFORMANCE_GC_FLAGS_ALL_EXTERNAL_MEMORY) !== 0,
      });
      if (seen.length > KEEP) seen.shift();
    }
  }).observe({ entryTypes: ['gc'] });
  return () => seen.slice();
}

/** The collections that started in [from, to) (the server's clock). */
export function majorGcsBetween(gcs: readonly MajorGc[], from: number, to: number): MajorGc[] {
  return gcs.filter((gc) => gc.at >= from && gc.at < to);
}

/**
 * `B 16.0 ms (memory reducer) and 33.4 ms (memory reducer)`, or `B none`:
 * no semicolon, since the table joins a row's notes with them.
 */
export function describeMajorGcs(node: string, gcs: readonly MajorGc[]): string {
  if (gcs.length === 0) return `${node} none`;
  const pauses = gcs.map((gc) => `${gc.ms.toFixed(1)} ms${gc.reducer ? ' (memory reducer)' : ''}`);
  const last = pauses.pop() as string;
  return `${node} ${pauses.length === 0 ? last : `${pauses.join(', ')} and ${last}`}`;
}
