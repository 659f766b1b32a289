import { createHistogram, performance, type RecordableHistogram } from 'node:perf_hooks';

/** Latency histogram in µs (HDR-style, recorded in C++ so it costs little per sample). */
export class LatencyHistogram {
  private h: RecordableHistogram = createHistogram({ lowest: 1, highest: 120_000_000, figures: 3 });

  recordMs(ms: number): void {
    this.h.record(Math.max(1, Math.round(ms * 1000)));
  }

  get count(): number {
    return this.h.count;
  }

  percentileMs(p: number): number {
    return this.h.count === 0 ? Number.NaN : this.h.percentile(p) / 1000;
  }

  maxMs(): number {
    return this.h.count === 0 ? Number.NaN : this.h.max / 1000;
  }

  reset(): void {
    this.h.reset();
  }
}

/** CPU used by this process (the load generator) as a fraction of one core. */
export class CpuMeter {
  private cpu = process.cpuUsage();
  private at = performance.now();

  reset(): void {
    this.cpu = process.cpuUsage();
    this.at = performance.now();
  }

  fraction(): number {
    const used = process.cpuUsage(this.cpu);
    const wallMs = performance.now() - this.at;
    return wallMs > 0 ? (used.user + used.system) / 1000 / wallMs : 0;
  }
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
