import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * Watches this process's event loop. `lag` is Node's delay histogram (wall
 * clock, so a machine busy with other work inflates it); `maxBlockCpuMs` is
 * the most CPU this process spent between two ticks of a 5 ms timer: a
 * synchronous stretch of the server's own work, which other load cannot fake.
 */
export class LoopStall {
  readonly lag: IntervalHistogram = monitorEventLoopDelay({ resolution: 5 });
  maxBlockCpuMs = 0;
  /** When (ms since start) each block of more than 50 ms of CPU ended, and its size. */
  readonly blocks: Array<[number, number]> = [];
  private started = 0;
  private timer: NodeJS.Timeout | undefined;
  private lastCpu = process.cpuUsage();

  start(): void {
    this.lag.enable();
    this.lastCpu = process.cpuUsage();
    this.started = performance.now();
    this.timer = setInterval(() => {
      const used = process.cpuUsage(this.lastCpu);
      this.lastCpu = process.cpuUsage();
      const cpuMs = (used.user + used.system) / 1000;
      if (cpuMs > 50)
        this.blocks.push([Math.round(performance.now() - this.started), Math.round(cpuMs)]);
      this.maxBlockCpuMs = Math.max(this.maxBlockCpuMs, cpuMs);
    }, 5);
  }

  /** Milliseconds since `start()`. */
  now(): number {
    return Math.round(performance.now() - this.started);
  }

  stop(): {
    lagP99Ms: number;
    lagMaxMs: number;
    maxBlockCpuMs: number;
    blocks: Array<[number, number]>;
  } {
    this.lag.disable();
    clearInterval(this.timer);
    return {
      lagP99Ms: Math.round(this.lag.percentile(99) / 1e6),
      lagMaxMs: Math.round(this.lag.max / 1e6),
      maxBlockCpuMs: Math.round(this.maxBlockCpuMs),
      blocks: this.blocks.slice(0, 10),
    };
  }
}

/** The value below which `p` percent of `values` fall. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}
