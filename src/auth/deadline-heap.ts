/** setTimeout's longest delay; longer waits are re-armed. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/** Something with a deadline in a `DeadlineHeap`: the heap keeps both fields. */
export interface Deadline {
  /** When it is due (ms epoch), while scheduled. */
  deadline: number;
  /** Its place in the heap, -1 when not scheduled. */
  heapIndex: number;
}

/**
 * One timer for many deadlines: a binary min-heap of items by deadline, and
 * one unref'd `setTimeout` armed for the earliest. Scheduling and
 * cancelling cost O(log n) and no timer object or closure per item. Items
 * fire at their deadline, as their own `setTimeout` would, earliest first;
 * an item scheduled while others fire waits for the next turn of the timer,
 * as a `setTimeout(0)` would.
 */
export class DeadlineHeap<T extends Deadline> {
  private readonly heap: T[] = [];
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;

  constructor(
    private readonly fire: (item: T) => void,
    /**
     * An item whose `fire` threw: the other due items still fire and the
     * timer is armed again for the rest (a throw must not stop every later
     * deadline, e.g. every session's expiry).
     */
    private readonly fireFailed: (error: unknown, item: T) => void = () => {},
  ) {}

  get size(): number {
    return this.heap.length;
  }

  schedule(item: T, at: number): void {
    if (item.heapIndex !== -1) this.remove(item);
    item.deadline = at;
    item.heapIndex = this.heap.length;
    this.heap.push(item);
    this.up(item.heapIndex);
    this.arm();
  }

  cancel(item: T): void {
    if (item.heapIndex === -1) return;
    this.remove(item);
    if (this.heap.length === 0) this.stop();
  }

  /** Cancels every item. */
  clear(): void {
    for (const item of this.heap) item.heapIndex = -1;
    this.heap.length = 0;
    this.stop();
  }

  private stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
  }

  /** Arms the timer for the earliest deadline, unless it is armed for that or earlier. */
  private arm(): void {
    const first = this.heap[0];
    if (!first || first.deadline >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = first.deadline;
    this.timer = setTimeout(
      () => this.run(),
      Math.min(Math.max(first.deadline - Date.now(), 0), MAX_DELAY_MS),
    );
    this.timer.unref();
  }

  private run(): void {
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    const now = Date.now();
    const due: T[] = [];
    for (let first = this.heap[0]; first && first.deadline <= now; first = this.heap[0]) {
      this.remove(first);
      due.push(first);
    }
    for (const item of due) {
      try {
        this.fire(item);
      } catch (error) {
        this.fireFailed(error, item);
      }
    }
    this.arm();
  }

  private remove(item: T): void {
    const index = item.heapIndex;
    const last = this.heap.pop() as T;
    item.heapIndex = -1;
    if (last === item) return;
    this.heap[index] = last;
    last.heapIndex = index;
    this.up(index);
    this.down(last.heapIndex);
  }

  private up(index: number): void {
    const heap = this.heap;
    const item = heap[index] as T;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex] as T;
      if (parent.deadline <= item.deadline) break;
      heap[index] = parent;
      parent.heapIndex = index;
      index = parentIndex;
    }
    heap[index] = item;
    item.heapIndex = index;
  }

  private down(index: number): void {
    const heap = this.heap;
    const item = heap[index] as T;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child =
        right < heap.length && (heap[right] as T).deadline < (heap[left] as T).deadline
          ? right
          : left;
      const smallest = heap[child] as T;
      if (smallest.deadline >= item.deadline) break;
      heap[index] = smallest;
      smallest.heapIndex = index;
      index = child;
    }
    heap[index] = item;
    item.heapIndex = index;
  }
}
