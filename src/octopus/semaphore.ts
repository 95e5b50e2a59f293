// A counting semaphore: at most `limit` holders at once, waiters served in arrival order. It also
// records the highest number of holders seen, which benchmarks and tests read.

export class Semaphore {
  private holders = 0;
  private peak = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency limit must be an integer >= 1, got ${limit}`);
  }

  get active(): number {
    return this.holders;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  /** The most holders at once since creation or the last `resetPeak()`. */
  get maxActive(): number {
    return this.peak;
  }

  resetPeak(): void {
    this.peak = this.holders;
  }

  /** Runs `task` once a slot is free and frees the slot when it settles. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.holders < this.limit) {
      this.take();
      return Promise.resolve();
    }
    // The releasing holder hands its slot over directly (see release), so a waiter never races a
    // newcomer for it.
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private release(): void {
    const next = this.waiters.shift();
    if (next) {
      next();
      return;
    }
    this.holders -= 1;
  }

  private take(): void {
    this.holders += 1;
    this.peak = Math.max(this.peak, this.holders);
  }
}
