// A counting semaphore: at most `limit` holders at once, waiters served in arrival order. It also
// records the highest number of holders seen, which benchmarks and tests read. Its current limit
// can be lowered below `limit` and raised back (a server refusing requests with 429).

export class Semaphore {
  private holders = 0;
  private peak = 0;
  private current: number;
  private readonly waiters: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency limit must be an integer >= 1, got ${limit}`);
    this.current = limit;
  }

  /** The holders allowed at once now: `limit`, or less after `setCurrentLimit`. */
  get currentLimit(): number {
    return this.current;
  }

  /**
   * Changes the holders allowed at once, between 1 and `limit`. Lowered, holders above it keep
   * their slot until they release it; raised, waiters start at once.
   */
  setCurrentLimit(limit: number): void {
    this.current = Math.max(1, Math.min(this.limit, Math.floor(limit)));
    while (this.holders < this.current && this.waiters.length > 0) {
      this.take();
      this.waiters.shift()?.();
    }
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
    if (this.holders < this.current) {
      this.take();
      return Promise.resolve();
    }
    // The releasing holder hands its slot over directly (see release), so a waiter never races a
    // newcomer for it.
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private release(): void {
    // Above a lowered limit, the slot is given up rather than handed over.
    const next = this.holders <= this.current ? this.waiters.shift() : undefined;
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
