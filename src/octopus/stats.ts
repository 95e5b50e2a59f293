// Request counters for benchmarks: logical calls, HTTP attempts (retries included) and the most
// requests in flight at once.

export interface MethodCounts {
  total: number;
  byMethod: Record<string, number>;
}

export interface RequestStats {
  /** Calls made through the client (`get`, `post`, ... and each page of a list). */
  requests: MethodCounts;
  /** HTTP requests sent, retries included. */
  attempts: MethodCounts;
  /** Attempts after the first of a call. */
  retries: number;
  /** HTTP requests in flight right now. */
  inFlight: number;
  /** The most HTTP requests in flight at once since creation or the last reset. */
  maxInFlight: number;
}

export class RequestCounter {
  private requests = emptyCounts();
  private attempts = emptyCounts();
  private retries = 0;

  countRequest(method: string): void {
    add(this.requests, method);
  }

  countAttempt(method: string, attempt: number): void {
    add(this.attempts, method);
    if (attempt > 1) this.retries += 1;
  }

  snapshot(inFlight: number, maxInFlight: number): RequestStats {
    return {
      requests: structuredClone(this.requests),
      attempts: structuredClone(this.attempts),
      retries: this.retries,
      inFlight,
      maxInFlight,
    };
  }

  reset(): void {
    this.requests = emptyCounts();
    this.attempts = emptyCounts();
    this.retries = 0;
  }
}

function emptyCounts(): MethodCounts {
  return { total: 0, byMethod: {} };
}

function add(counts: MethodCounts, method: string): void {
  counts.total += 1;
  counts.byMethod[method] = (counts.byMethod[method] ?? 0) + 1;
}
