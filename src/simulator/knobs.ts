// Test and benchmark controls: latency, injected faults, and request counting.
import type { FaultRule } from './index.js';

export interface FaultDecision {
  /** Answer only once this settles, as usual (see FaultRule.holdUntil). */
  holdUntil?: Promise<unknown>;
  status?: number;
  retryAfterSeconds?: number;
  drop?: boolean;
  dropAfterHandling?: boolean;
  statusAfterHandling?: number;
}

export interface RequestCounts {
  total: number;
  byMethod: Record<string, number>;
  /** Keyed `METHOD /route/pattern`, e.g. `GET /api/:spaceId/environments`. */
  byRoute: Record<string, number>;
}

/** When a request arrived and when its answer was done (ms on `performance.now()`'s clock). */
export interface RequestSpan {
  method: string;
  /** The route pattern it matched ('unmatched' when none). */
  route: string;
  start: number;
  end: number;
}

export class Knobs {
  latencyMs: number;
  private faults: { rule: FaultRule; fired: number }[] = [];
  private counts: RequestCounts = emptyCounts();
  private spans: RequestSpan[] = [];

  constructor(options: { latencyMs?: number; random?: () => number }) {
    this.latencyMs = options.latencyMs ?? 0;
    this.random = options.random ?? Math.random;
  }

  private readonly random: () => number;

  addFault(rule: FaultRule): void {
    this.faults.push({ rule, fired: 0 });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** The first matching rule that fires for this request, if any. */
  decideFault(method: string, path: string): FaultDecision | undefined {
    for (const entry of this.faults) {
      const { rule } = entry;
      if (rule.method && rule.method.toUpperCase() !== method) continue;
      if (rule.path !== undefined && !matches(rule.path, path)) continue;
      if (rule.times !== undefined && entry.fired >= rule.times) continue;
      if (this.random() >= (rule.rate ?? 1)) continue;
      entry.fired += 1;
      if (rule.holdUntil) return { holdUntil: rule.holdUntil };
      return {
        status: rule.status ?? 503,
        retryAfterSeconds: rule.retryAfterSeconds,
        drop: rule.drop,
        dropAfterHandling: rule.dropAfterHandling,
        statusAfterHandling: rule.statusAfterHandling,
      };
    }
    return undefined;
  }

  count(method: string, route: string): void {
    this.counts.total += 1;
    this.counts.byMethod[method] = (this.counts.byMethod[method] ?? 0) + 1;
    const key = `${method} ${route}`;
    this.counts.byRoute[key] = (this.counts.byRoute[key] ?? 0) + 1;
  }

  /**
   * Marks a request's arrival (now, or `start` from performance.now()); the function returned
   * marks its end (benchmarks measure how many are in flight).
   */
  began(method: string, route = 'unmatched', start = performance.now()): () => void {
    const span: RequestSpan = { method, route, start, end: Number.NaN };
    this.spans.push(span);
    return () => {
      if (Number.isNaN(span.end)) span.end = performance.now();
    };
  }

  requestCounts(): RequestCounts {
    return structuredClone(this.counts);
  }

  /** The requests since the last reset, in arrival order (an unfinished one has `end` NaN). */
  requestSpans(): RequestSpan[] {
    return this.spans.map((span) => ({ ...span }));
  }

  resetCounts(): void {
    this.counts = emptyCounts();
    this.spans = [];
  }
}

function emptyCounts(): RequestCounts {
  return { total: 0, byMethod: {}, byRoute: {} };
}

function matches(pattern: string | RegExp, path: string): boolean {
  return typeof pattern === 'string' ? path.includes(pattern) : pattern.test(path);
}
