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

/**
 * Calls `work` for every item as soon as the items it waits for (`waitsFor`) have finished, so
 * independent items run at the same time. An item waits only for items before it in `items`
 * (given in an order where what an item needs comes first). After a failure nothing further
 * starts; rejects with the first failure once the items already started have settled.
 */
export async function forEachWhenReady<T>(items: readonly T[], waitsFor: (item: T) => Iterable<T>, work: (item: T) => Promise<void>): Promise<void> {
  const finished = new Map<T, Promise<void>>();
  let failure: { error: unknown } | undefined;
  for (const item of items) {
    const before = [...waitsFor(item)].flatMap((other) => finished.get(other) ?? []);
    const run = Promise.all(before)
      .then(async () => {
        if (!failure) await work(item);
      })
      .catch((error: unknown) => {
        failure ??= { error };
      });
    finished.set(item, run);
  }
  await Promise.all(finished.values());
  if (failure) throw failure.error;
}
