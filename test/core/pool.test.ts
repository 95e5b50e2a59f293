// A pool keeps its limit of items in flight until the items run out, starts them in order, and
// fails with the first failure after what had started has settled.
import { describe, expect, it } from 'vitest';
import { RankedGate, forEachPooled, forEachWhenReady } from '../../src/core/pool.js';

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

describe('forEachWhenReady', () => {
  // a ← b, c independent, d ← b and c.
  const waits: Record<string, string[]> = { a: [], b: ['a'], c: [], d: ['b', 'c'] };
  const waitsWhole = (item: string) => (waits[item] ?? []).map((other) => ({ item: other }));

  it('starts an item once what it waits for has finished, independent items at the same time', async () => {
    const events: string[] = [];
    let releaseA: () => void = () => undefined;
    const aHeld = new Promise<void>((resolve) => (releaseA = resolve));
    const run = forEachWhenReady(['a', 'b', 'c', 'd'], waitsWhole, async (item) => {
      events.push(`start ${item}`);
      if (item === 'a') await aHeld;
      await tick(1);
      events.push(`end ${item}`);
    });
    await tick(20);
    // c waits for nothing: it ran to its end while a is held; b and d have not started.
    expect(events).toEqual(['start a', 'start c', 'end c']);
    releaseA();
    await run;
    expect(events.indexOf('start b')).toBeGreaterThan(events.indexOf('end a'));
    expect(events.indexOf('start d')).toBeGreaterThan(events.indexOf('end b'));
  });

  it('starts nothing further after a failure, and rejects with it once the started items settled', async () => {
    const started: string[] = [];
    let cEnded = false;
    const run = forEachWhenReady(['a', 'b', 'c', 'd'], waitsWhole, async (item) => {
      started.push(item);
      if (item === 'a') throw new Error('a failed');
      if (item === 'c') {
        await tick(20);
        cEnded = true;
      }
    });
    await expect(run).rejects.toThrow('a failed');
    expect(cEnded).toBe(true);
    expect(started).toEqual(['a', 'c']);
  });

  it('starts an item waiting for parts of another once those are marked, before the other ends', async () => {
    const events: string[] = [];
    let releaseA: () => void = () => undefined;
    const aHeld = new Promise<void>((resolve) => (releaseA = resolve));
    // b waits for a's part 'x'; c for a's part 'y', which a never marks: c starts when a ends.
    const partWaits: Record<string, { item: string; parts: string[] }[]> = { a: [], b: [{ item: 'a', parts: ['x'] }], c: [{ item: 'a', parts: ['y'] }] };
    const run = forEachWhenReady(['a', 'b', 'c'], (item) => partWaits[item] ?? [], async (item, partDone) => {
      events.push(`start ${item}`);
      if (item === 'a') {
        partDone('x');
        await aHeld;
      }
      events.push(`end ${item}`);
    });
    await tick(20);
    expect(events).toEqual(['start a', 'start b', 'end b']);
    releaseA();
    await run;
    expect(events.indexOf('start c')).toBeGreaterThan(events.indexOf('end a'));
  });
});


describe('RankedGate', () => {
  it('runs at most its limit at once, and gives each free turn to the highest rank waiting, in arrival order within a rank', async () => {
    const gate = new RankedGate(1);
    const order: string[] = [];
    let releaseFirst: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (releaseFirst = resolve));
    const task = (name: string, rank: number, wait?: Promise<void>) =>
      gate.run(rank, async () => {
        order.push(name);
        await wait;
      });
    const all = [task('first', 0, held), task('low', 1), task('high a', 5), task('middle', 3), task('high b', 5)];
    await tick(5);
    expect(order).toEqual(['first']);
    releaseFirst();
    await Promise.all(all);
    expect(order).toEqual(['first', 'high a', 'high b', 'middle', 'low']);
  });

  it('refuses a limit below one', () => {
    expect(() => new RankedGate(0)).toThrow(RangeError);
  });
});
