interface Waiting<H, F> {
  readonly handler: H;
  readonly frame: F;
  readonly concurrent: boolean;
}

/**
 * The order of one connection's frames. An ordered frame starts when every
 * earlier frame has settled and nothing else runs; a concurrent one when no
 * ordered handler runs and fewer than `max` do. Frames that cannot start yet
 * wait in arrival order. A frame that may start at once allocates nothing.
 */
export class DispatchQueue<H, F> {
  private running = 0;
  /** Frames of `immediate` handlers running: never queued, but counted in the bound. */
  private immediate = 0;
  private orderedRunning = false;
  private readonly queue: Array<Waiting<H, F> | undefined> = [];
  private head = 0;
  private pumping = false;

  constructor(
    private readonly max: number,
    /** Starts one frame's handler. */
    private readonly run: (handler: H, frame: F) => void,
  ) {}

  /** Counts the frame in and says yes when it may start now; else the caller holds it. */
  tryStart(concurrent: boolean): boolean {
    if (this.head < this.queue.length || !this.canStart(concurrent)) return false;
    this.start(concurrent);
    return true;
  }

  /** Counts in a frame that runs at once whatever runs or waits (the module's own events). */
  startImmediate(): void {
    this.immediate += 1;
  }

  /** Keeps a frame that may not start yet, behind the ones already waiting. */
  hold(handler: H, frame: F, concurrent: boolean): void {
    this.queue.push({ handler, frame, concurrent });
  }

  /** Some frames wait. */
  get waiting(): boolean {
    return this.head < this.queue.length;
  }

  /**
   * Frames running plus waiting are past the bound: the caller stops reading.
   * A client that keeps at most `max` requests in flight is never paused.
   */
  get full(): boolean {
    return this.running + this.immediate + this.queue.length - this.head > this.max;
  }

  /** A frame counted in by `tryStart`, a pump or `startImmediate` (`immediate`) has settled. */
  done(immediate: boolean): void {
    if (immediate) {
      this.immediate -= 1;
      return;
    }
    this.running -= 1;
    // While an ordered handler runs, it is the only one this queue started.
    this.orderedRunning = false;
  }

  /** Starts, in order, the waiting frames that may start now. Re-entrant calls return. */
  pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.head < this.queue.length) {
        const next = this.queue[this.head] as Waiting<H, F>;
        if (!this.canStart(next.concurrent)) break;
        this.queue[this.head] = undefined;
        this.head += 1;
        this.start(next.concurrent);
        this.run(next.handler, next.frame);
      }
      if (this.head === this.queue.length) this.clear();
    } finally {
      this.pumping = false;
    }
  }

  /** Forgets the waiting frames (the connection closed). */
  clear(): void {
    this.queue.length = 0;
    this.head = 0;
  }

  private canStart(concurrent: boolean): boolean {
    if (this.orderedRunning) return false;
    return concurrent ? this.running < this.max : this.running === 0;
  }

  private start(concurrent: boolean): void {
    this.running += 1;
    if (!concurrent) this.orderedRunning = true;
  }
}
