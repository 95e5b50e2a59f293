// When to wait and for how long between attempts: exponential backoff with full jitter, or the
// server's `Retry-After` when it gave one. What may be retried is decided in classify.ts.

export interface RetryOptions {
  /** Attempts per call, the first included (1 disables retries). Default 5. */
  maxAttempts: number;
  /** Backoff before the first retry, doubled for each following one. Default 250 ms. */
  baseDelayMs: number;
  /** Ceiling of a backoff delay. Default 10 s. */
  maxDelayMs: number;
  /**
   * The longest `Retry-After` the client will wait. A server asking for more fails the call
   * (retryable) instead of stalling the command; waiting less than asked would only earn another
   * 429. Octopus's limiter refills per minute, so 2 minutes covers it. Default 120 s.
   */
  maxRetryAfterMs: number;
  /** Injected for tests: waits `ms` (or rejects when `signal` aborts). */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Injected for tests: a number in [0, 1). */
  random: () => number;
  /** Injected for tests: milliseconds since the epoch (to read an HTTP-date `Retry-After`). */
  now: () => number;
}

export const DEFAULT_RETRY_OPTIONS: RetryOptions = {
  maxAttempts: 5,
  baseDelayMs: 250,
  maxDelayMs: 10_000,
  maxRetryAfterMs: 120_000,
  sleep: sleepFor,
  random: Math.random,
  now: Date.now,
};

export function resolveRetryOptions(options: Partial<RetryOptions> = {}): RetryOptions {
  const merged = { ...DEFAULT_RETRY_OPTIONS, ...stripUndefined(options) };
  if (!Number.isInteger(merged.maxAttempts) || merged.maxAttempts < 1) {
    throw new RangeError(`retry.maxAttempts must be an integer >= 1, got ${merged.maxAttempts}`);
  }
  return merged;
}

/**
 * "Full jitter" (AWS architecture blog, "Exponential Backoff and Jitter"): a uniformly random
 * delay between 0 and the exponential ceiling, so clients that failed together do not retry
 * together. `retryNumber` is 1 before the first retry.
 */
export function backoffDelay(retryNumber: number, options: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs' | 'random'>): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (retryNumber - 1));
  return Math.floor(options.random() * ceiling);
}

/**
 * `Retry-After` in milliseconds: delta-seconds (`"120"`) or an HTTP-date, as RFC 9110 §10.2.3
 * allows. Undefined when absent or unreadable; a date in the past means "now" (0).
 */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const header = Array.isArray(value) ? value[0] : value;
  if (header === undefined) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number.parseInt(text, 10) * 1000;
  if (!/[a-z]/i.test(text)) return undefined; // "1.5", "-3": not a valid value of either form
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function sleepFor(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
