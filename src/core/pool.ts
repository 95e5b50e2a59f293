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
