import { describe, expect, it } from 'vitest';
import { type Deadline, DeadlineHeap } from '../../src/auth/deadline-heap.js';

interface Item extends Deadline {
  name: string;
}

function item(name: string): Item {
  return { name, deadlineIndex: -1 };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('DeadlineHeap: one timer for many deadlines', () => {
  it('fires each item at its deadline, earliest first, and never a cancelled one', async () => {
    const fired: Array<[string, number, number]> = [];
    const start = Date.now();
    const heap = new DeadlineHeap<Item>((i, deadline) =>
      fired.push([i.name, Date.now() - start, deadline - start]),
    );
    const items = ['a', 'b', 'c', 'd', 'e', 'f'].map(item);
    const [a, b, c, d, e, f] = items as [Item, Item, Item, Item, Item, Item];
    heap.schedule(c, start + 90);
    heap.schedule(a, start + 30);
    heap.schedule(b, start + 60);
    heap.schedule(d, start + 20);
    heap.schedule(e, start + 40);
    heap.schedule(f, start + 10);
    heap.cancel(d);
    // Rescheduled later: its earlier deadline no longer counts.
    heap.schedule(f, start + 120);
    expect(heap.size).toBe(5);
    for (let i = 0; i < 100 && fired.length < 5; i += 1) await sleep(20);
    expect(fired.map(([name]) => name)).toEqual(['a', 'e', 'b', 'c', 'f']);
    // Each fires with the deadline it was scheduled for last.
    expect(fired.map(([name, , deadline]) => [name, deadline])).toEqual([
      ['a', 30],
      ['e', 40],
      ['b', 60],
      ['c', 90],
      ['f', 120],
    ]);
    const at = Object.fromEntries(fired.map(([name, firedAt]) => [name, firedAt]));
    for (const [name, due] of Object.entries({ a: 30, e: 40, b: 60, c: 90, f: 120 })) {
      expect(at[name], name).toBeGreaterThanOrEqual(due);
      expect(at[name], name).toBeLessThan(due + 500);
    }
    expect(heap.size).toBe(0);
    expect(items.every((i) => i.deadlineIndex === -1)).toBe(true);
  });

  it('keeps the heap order through many random schedules and cancels', () => {
    const fired: Item[] = [];
    const heap = new DeadlineHeap<Item>((i) => fired.push(i));
    const items = Array.from({ length: 500 }, (_, i) => item(String(i)));
    const base = Date.now() + 60_000;
    for (const i of items) heap.schedule(i, base + Math.floor(Math.random() * 10_000));
    for (const i of items.filter((_, index) => index % 3 === 0)) heap.cancel(i);
    for (const i of items.filter((_, index) => index % 5 === 0)) {
      heap.schedule(i, base + Math.floor(Math.random() * 10_000));
    }
    const live = items.filter((i) => i.deadlineIndex !== -1);
    expect(heap.size).toBe(live.length);
    // Every item sits at its index, and no child is due before its parent.
    const internal = (heap as unknown as { items: Item[] }).items;
    internal.forEach((i, index) => {
      expect(i.deadlineIndex).toBe(index);
      if (index > 0) {
        const parent = internal[(index - 1) >> 1] as Item;
        expect(heap.deadlineOf(parent)).toBeLessThanOrEqual(heap.deadlineOf(i) as number);
      }
    });
    heap.clear();
    expect(heap.size).toBe(0);
    expect(fired).toEqual([]);
  });

  it('an item scheduled while others fire waits for the next turn, like setTimeout(0)', async () => {
    const order: string[] = [];
    const later = item('later');
    const heap = new DeadlineHeap<Item>((i) => {
      order.push(i.name);
      if (i.name === 'first') {
        heap.schedule(later, Date.now() - 1);
        order.push('scheduled');
      }
    });
    const at = Date.now() + 5;
    heap.schedule(item('first'), at);
    heap.schedule(item('second'), at);
    for (let i = 0; i < 100 && order.length < 4; i += 1) await sleep(10);
    expect(order).toEqual(['first', 'scheduled', 'second', 'later']);
  });

  it('keeps firing the other due items, and later ones, when one item throws', async () => {
    const fired: string[] = [];
    const failed: string[] = [];
    const start = Date.now();
    const heap = new DeadlineHeap<Item>(
      (i) => {
        if (i.name === 'bad') throw new Error('boom');
        fired.push(i.name);
      },
      (error, i) => failed.push(`${i.name}: ${(error as Error).message}`),
    );
    const [bad, same, later] = ['bad', 'same', 'later'].map(item) as [Item, Item, Item];
    heap.schedule(bad, start + 10);
    heap.schedule(same, start + 10);
    heap.schedule(later, start + 80);
    for (let i = 0; i < 100 && fired.length < 2; i += 1) await sleep(20);
    expect(failed).toEqual(['bad: boom']);
    expect(fired).toEqual(['same', 'later']);
    expect(heap.size).toBe(0);
  });
});
