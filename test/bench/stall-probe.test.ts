import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { describeStalls, type Stalls, stallsOn } from '../../bench/lib/stall-probe.js';

describe('stall probe of a core', () => {
  it('counts the time its process was stopped as one stall, with its length', async () => {
    const stalls = await stallsOn(undefined, 1.5, (child) => {
      child.stderr?.once('data', async () => {
        await sleep(100);
        child.kill('SIGSTOP');
        await sleep(60);
        child.kill('SIGCONT');
      });
    });
    expect(stalls).toBeDefined();
    const { seconds, over5, over10, longestMs } = stalls as Stalls;
    expect(seconds).toBe(1.5);
    expect(over5).toBeGreaterThanOrEqual(1);
    expect(over10).toBeGreaterThanOrEqual(1);
    expect(longestMs).toBeGreaterThanOrEqual(55);
    expect(longestMs).toBeLessThan(1500);
  });

  it('runs pinned to a core through taskset', async () => {
    const stalls = await stallsOn(0, 0.2);
    expect(stalls?.seconds).toBe(0.2);
  });

  it('says how often and how long', () => {
    expect(
      describeStalls("servers' core", { seconds: 2, over5: 7, over10: 2, longestMs: 12.46 }),
    ).toBe("servers' core spun 2 s just before: 7 stalls >= 5 ms (2 >= 10 ms), longest 12.5 ms");
    expect(describeStalls("servers' core", { seconds: 2, over5: 0, over10: 0, longestMs: 0 })).toBe(
      "servers' core spun 2 s just before: no stall >= 5 ms",
    );
    expect(describeStalls("servers' core", undefined)).toBe("servers' core: stall probe failed");
  });
});
