// Runs work over many items with a fixed number in flight: a new item starts as soon as one ends
// (a pool, not batches, whose slowest item holds the others back).

/**
 * Calls `work` for every item, at most `limit` at once, in the order given; resolves when all
 * are done, or rejects with the first failure once those already started have settled.
 */
export async function forEachPooled<T>(items: Iterable<T>, limit: number, work: (item: T) => Promise<void>): Promise<void> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency limit must be an integer >= 1, got ${limit}`);
  const iterator = items[Symbol.iterator]();
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    for (let next = iterator.next(); !next.done && !failure; next = iterator.next()) {
      try {
        await work(next.value);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  if (failure) throw failure.error;
}

/** What an item waits for: an earlier item, whole, or only some of its parts (see forEachWhenReady). */
export interface Wait<T, P> {
  item: T;
  /** The parts of `item` to wait for; all of it (its work ended) when absent. */
  parts?: readonly P[];
}

/**
 * Calls `work` for every item as soon as what it waits for (`waitsFor`) is done, so independent
 * items run at the same time. An item waits only for items before it in `items` (given in an
 * order where what an item needs comes first): for their work to end, or only for some of their
 * parts, which `work` marks done as it goes (`partDone`); an item whose work ended has every part
 * done. After a failure nothing further starts; rejects with the first failure once the items
 * already started have settled.
 */
export async function forEachWhenReady<T, P = never>(items: readonly T[], waitsFor: (item: T) => Iterable<Wait<T, P>>, work: (item: T, partDone: (part: P) => void) => Promise<void>): Promise<void> {
  const finished = new Map<T, Promise<void>>();
  const parts = new Map<T, Map<P, { done: Promise<void>; mark: () => void }>>();
  const partOf = (item: T, part: P) => {
    const known = parts.get(item) ?? new Map<P, { done: Promise<void>; mark: () => void }>();
    parts.set(item, known);
    let entry = known.get(part);
    if (!entry) {
      let mark = () => {};
      const done = new Promise<void>((resolve) => (mark = resolve));
      entry = { done, mark };
      known.set(part, entry);
    }
    return entry;
  };
  let failure: { error: unknown } | undefined;
  for (const item of items) {
    const before = [...waitsFor(item)].flatMap((wait) => {
      const whole = finished.get(wait.item);
      if (whole === undefined) return [];
      // A part is done when marked, or at the latest when its item's work ends.
      return wait.parts === undefined ? [whole] : wait.parts.map((part) => Promise.race([partOf(wait.item, part).done, whole]));
    });
    const run = Promise.all(before)
      .then(async () => {
        if (!failure) await work(item, (part) => partOf(item, part).mark());
      })
      .catch((error: unknown) => {
        failure ??= { error };
      });
    finished.set(item, run);
  }
  await Promise.all(finished.values());
  if (failure) throw failure.error;
}

/**
 * At most `limit` tasks at once, shared by several pools: a task waiting for its turn goes before
 * those of a lower rank, and within a rank in arrival order. Work that others wait for gets the
 * turns first, and the rest fills the turns it leaves.
 */
export class RankedGate {
  private running = 0;
  private readonly waiting: { rank: number; start: () => void }[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency limit must be an integer >= 1, got ${limit}`);
  }

  /** Runs `task` at its turn and gives the turn to the next waiting task when it settles. */
  async run<R>(rank: number, task: () => Promise<R>): Promise<R> {
    if (this.running < this.limit) this.running += 1;
    else {
      await new Promise<void>((start) => {
        // After the last waiting task of the same or a higher rank.
        const at = this.waiting.findIndex((other) => other.rank < rank);
        this.waiting.splice(at === -1 ? this.waiting.length : at, 0, { rank, start });
      });
    }
    try {
      return await task();
    } finally {
      // The turn passes straight to the next task, so a newcomer never takes it first.
      const next = this.waiting.shift();
      if (next) next.start();
      else this.running -= 1;
    }
  }
}
