/** setTimeout's longest delay; longer waits are re-armed. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/** Something a `DeadlineHeap` can hold: the heap keeps its place in this field. */
export interface Deadline {
  /** Its place in the heap that holds it, -1 when in none. An item is in one heap at most. */
  deadlineIndex: number;
}

/**
 * One timer for many deadlines: a binary min-heap of items by deadline, and
 * one unref'd `setTimeout` armed for the earliest. Scheduling and
 * cancelling cost O(log n) and no timer object or closure per item. The
 * deadlines (ms epoch) sit in an array of numbers beside the items: an
 * array of numbers holds them unboxed, where a field on each item would
 * hold a heap number each (these times do not fit a small integer). Items
 * fire at their deadline, as their own `setTimeout` would, earliest first;
 * an item scheduled while others fire waits for the next turn of the timer,
 * as a `setTimeout(0)` would.
 */
export class DeadlineHeap<T extends Deadline> {
  private readonly items: T[] = [];
  /** `deadlines[i]` is `items[i]`'s deadline. */
  private readonly deadlines: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;

  constructor(
    private readonly fire: (item: T, deadline: number) => void,
    /**
     * An item whose `fire` threw: the other due items still fire and the
     * timer is armed again for the rest (a throw must not stop every later
     * deadline, e.g. every session's expiry).
     */
    private readonly fireFailed: (error: unknown, item: T) => void = () => {},
  ) {}

  get size(): number {
    return this.items.length;
  }

  /** The item's deadline while it is scheduled here. */
  deadlineOf(item: T): number | undefined {
    return item.deadlineIndex === -1 ? undefined : this.deadlines[item.deadlineIndex];
  }

  schedule(item: T, at: number): void {
    if (item.deadlineIndex !== -1) this.remove(item);
    this.items.push(item);
    this.deadlines.push(at);
    this.up(this.items.length - 1, item, at);
    this.arm();
  }

  cancel(item: T): void {
    if (item.deadlineIndex === -1) return;
    this.remove(item);
    if (this.items.length === 0) this.stop();
  }

  /** Cancels every item. */
  clear(): void {
    for (const item of this.items) item.deadlineIndex = -1;
    this.items.length = 0;
    this.deadlines.length = 0;
    this.stop();
  }

  private stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
  }

  /** Arms the timer for the earliest deadline, unless it is armed for that or earlier. */
  private arm(): void {
    if (this.items.length === 0) return;
    const first = this.deadlines[0] as number;
    if (first >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = first;
    this.timer = setTimeout(
      () => this.run(),
      Math.min(Math.max(first - Date.now(), 0), MAX_DELAY_MS),
    );
    this.timer.unref();
  }

  private run(): void {
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    const now = Date.now();
    const due: T[] = [];
    const dueAt: number[] = [];
    while (this.items.length > 0 && (this.deadlines[0] as number) <= now) {
      const first = this.items[0] as T;
      dueAt.push(this.deadlines[0] as number);
      this.remove(first);
      due.push(first);
    }
    for (let i = 0; i < due.length; i += 1) {
      const item = due[i] as T;
      try {
        this.fire(item, dueAt[i] as number);
      } catch (error) {
        this.fireFailed(error, item);
      }
    }
    this.arm();
  }

  private remove(item: T): void {
    const index = item.deadlineIndex;
    const last = this.items.pop() as T;
    const lastAt = this.deadlines.pop() as number;
    item.deadlineIndex = -1;
    if (last === item) return;
    this.up(index, last, lastAt);
    this.down(last.deadlineIndex, last, lastAt);
  }

  /** Puts `item` (due `at`) at `index` or above, moving later parents down. */
  private up(index: number, item: T, at: number): void {
    const { items, deadlines } = this;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parentAt = deadlines[parentIndex] as number;
      if (parentAt <= at) break;
      this.place(index, items[parentIndex] as T, parentAt);
      index = parentIndex;
    }
    this.place(index, item, at);
  }

  /** Puts `item` (due `at`, now at `index`) at `index` or below, moving earlier children up. */
  private down(index: number, item: T, at: number): void {
    const { items, deadlines } = this;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child =
        right < items.length && (deadlines[right] as number) < (deadlines[left] as number)
          ? right
          : left;
      const childAt = deadlines[child] as number;
      if (childAt >= at) break;
      this.place(index, items[child] as T, childAt);
      index = child;
    }
    this.place(index, item, at);
  }

  private place(index: number, item: T, at: number): void {
    this.items[index] = item;
    this.deadlines[index] = at;
    item.deadlineIndex = index;
  }
}
