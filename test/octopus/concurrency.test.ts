import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_CONCURRENCY } from '../../src/octopus/index.js';
import { startHarness } from './helpers.js';
import type { Harness } from './helpers.js';

describe('bounded concurrency', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ latencyMs: 40 }, { maxConcurrency: 4 });
  });
  afterEach(async () => {
    await h.close();
  });

  it('keeps at most maxConcurrency requests in flight', async () => {
    const calls = Array.from({ length: 20 }, () => h.client.get('/api/Spaces-1/environments/all'));
    // Sampled while the batch runs: the limiter, not just its counter, holds the rest back.
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(h.client.stats().inFlight).toBe(4);

    await Promise.all(calls);

    const stats = h.client.stats();
    expect(stats.maxInFlight).toBe(4);
    expect(stats.inFlight).toBe(0);
    expect(stats.requests).toEqual({ total: 20, byMethod: { GET: 20 } });
    expect(h.sim.knobs.requestCounts().total).toBe(20);
  });

  it('counts retried attempts against the same limit', async () => {
    h.sim.knobs.addFault({ path: '/lifecycles', status: 503, times: 4 });

    await Promise.all(Array.from({ length: 8 }, () => h.client.get('/api/Spaces-1/lifecycles/all')));

    expect(h.client.stats()).toMatchObject({ maxInFlight: 4, retries: 4, attempts: { total: 12 } });
  });

  it('defaults to 8', () => {
    expect(DEFAULT_MAX_CONCURRENCY).toBe(8);
  });
});

describe('a caller\'s signal', () => {
  it('leaves no listener on a caller\'s signal shared by many requests (no MaxListenersExceededWarning)', async () => {
    const fast = await startHarness();
    const controller = new AbortController();
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      await Promise.all(Array.from({ length: 30 }, () => fast.client.get('/api/Spaces-1/environments/all', { signal: controller.signal })));
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
      await fast.close();
    }
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')).toEqual([]);
  });
});

describe('a server limiting the request rate (429)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ latencyMs: 40 }, { maxConcurrency: 8 });
  });
  afterEach(async () => {
    await h.close();
  });

  it('halves the requests in flight on a 429, then adds them back one at a time as answers come without one', async () => {
    h.sim.knobs.addFault({ path: '/lifecycles', status: 429, retryAfterSeconds: 1, times: 1 });

    await Promise.all(Array.from({ length: 6 }, () => h.client.get('/api/Spaces-1/lifecycles/all')));

    // Retry-After is honoured (1 s, more than the backoff), and the limit is halved.
    expect(h.sleeps.delays).toEqual([1000]);
    expect(h.client.concurrency).toBe(4);
    h.client.resetStats();
    await Promise.all(Array.from({ length: 12 }, () => h.client.get('/api/Spaces-1/environments/all')));
    expect(h.client.stats().maxInFlight).toBeLessThanOrEqual(5);
    expect(h.sim.knobs.requestCounts().total).toBe(6 + 1 + 12);

    // One more for each twice-its-limit answers: 8 + 10 + 12 + 14 answers bring it back to 8, and no further.
    for (let i = 0; i < 10; i += 1) await Promise.all(Array.from({ length: 8 }, () => h.client.get('/api/Spaces-1/environments/all')));
    expect(h.client.concurrency).toBe(8);
    h.client.resetStats();
    await Promise.all(Array.from({ length: 16 }, () => h.client.get('/api/Spaces-1/environments/all')));
    expect(h.client.stats().maxInFlight).toBe(8);
  });

  it('goes down to one request in flight, never to none', async () => {
    h.sim.knobs.addFault({ path: '/lifecycles', status: 429, retryAfterSeconds: 0, times: 4 });

    await h.client.get('/api/Spaces-1/lifecycles/all');

    expect(h.client.stats().retries).toBe(4);
    expect(h.client.concurrency).toBe(1);
    h.client.resetStats();
    // The retry was one answer without a 429; the next makes two, twice the limit of 1: then 2.
    await Promise.all(Array.from({ length: 2 }, () => h.client.get('/api/Spaces-1/environments/all')));
    expect(h.client.stats().maxInFlight).toBe(1);
    expect(h.client.concurrency).toBe(2);
  });
});
