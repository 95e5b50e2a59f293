// A pool keeps its limit of items in flight until the items run out, starts them in order, and
// fails with the first failure after what had started has settled.
import { describe, expect, it } from 'vitest';
import { forEachPooled } from '../../src/core/pool.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('forEachPooled', () => {
  it('starts the next item as soon as one ends, never more than the limit at once', async () => {
    let inFlight = 0;
    let peak = 0;
    const started: number[] = [];
    // One slow item must not hold the others back, as a batch would.
    await forEachPooled([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 3, async (n) => {
      started.push(n);
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await tick(n === 0 ? 60 : 5);
      inFlight -= 1;
    });
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(peak).toBe(3);
  });

  it('rejects with the first failure once started items settle, and starts no new ones', async () => {
    const settled: number[] = [];
    const run = forEachPooled([1, 2, 3, 4, 5, 6], 2, async (n) => {
      await tick(n * 5);
      if (n === 2) throw new Error('two failed');
      settled.push(n);
    });
    await expect(run).rejects.toThrow('two failed');
    expect(settled).toEqual([1, 3]);
  });

  it('refuses a limit below one', async () => {
    await expect(forEachPooled([1], 0, async () => undefined)).rejects.toThrow(RangeError);
  });
});
