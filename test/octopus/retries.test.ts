import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OctopusApiError, createOctopusClient } from '../../src/octopus/index.js';
import { startHarness } from './helpers.js';
import type { Harness } from './helpers.js';

const ENVIRONMENTS = '/api/Spaces-1/environments';

describe('retries against the simulator', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('retries a GET that fails twice with 503 and succeeds on the third attempt', async () => {
    h.sim.knobs.addFault({ method: 'GET', path: '/environments', status: 503, times: 2 });

    const environments = await h.client.getAll(ENVIRONMENTS);

    expect(environments).toEqual([]);
    expect(h.sim.knobs.requestCounts().total).toBe(3);
    // Full jitter with random() = 0.5 and a 100 ms base: 0.5 * 100, then 0.5 * 200.
    expect(h.sleeps.delays).toEqual([50, 100]);
    expect(h.client.stats()).toMatchObject({ requests: { total: 1 }, attempts: { total: 3, byMethod: { GET: 3 } }, retries: 2 });
  });

  it('does not retry a 400 and reports the server\'s ErrorMessage and Errors', async () => {
    await h.client.post(ENVIRONMENTS, { Name: 'Dev' });
    h.sim.knobs.resetCounts();

    const error = await h.client.post(ENVIRONMENTS, { Name: 'Dev' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OctopusApiError);
    const apiError = error as OctopusApiError;
    expect(apiError).toMatchObject({ status: 400, method: 'POST', route: ENVIRONMENTS, retryable: false, reason: 'http-status', attempts: 1 });
    expect(apiError.errorMessage).toBeTruthy();
    expect(apiError.errors.join('\n')).toMatch(/Dev.*already in use/);
    expect(apiError.message).toMatch(/^POST \/api\/Spaces-1\/environments failed with 400: .+Dev.*already in use/);
    expect(h.sim.knobs.requestCounts().total).toBe(1);
    expect(h.sleeps.delays).toEqual([]);
  });

  it('waits for the Retry-After of a 429 and then succeeds', async () => {
    h.sim.knobs.addFault({ path: '/environments', status: 429, retryAfterSeconds: 1, times: 1 });

    const created = await h.client.post<{ Id: string; Name: string }>(ENVIRONMENTS, { Name: 'Test' });

    expect(created).toMatchObject({ Name: 'Test' });
    expect(h.sleeps.delays).toEqual([1000]);
    expect(h.sim.knobs.requestCounts().byMethod.POST).toBe(2);
  });

  it('backs off after a Retry-After of 0 as after no Retry-After at all', async () => {
    h.sim.knobs.addFault({ path: '/environments', status: 503, retryAfterSeconds: 0, times: 2 });

    await h.client.getAll(ENVIRONMENTS);

    expect(h.sleeps.delays).toEqual([50, 100]);
  });

  it('really sleeps for Retry-After with the default sleep', async () => {
    const client = createOctopusClient({ server: h.sim.url, apiKey: h.sim.apiKey });
    h.sim.knobs.addFault({ path: '/environments', status: 429, retryAfterSeconds: 1, times: 1 });
    try {
      const started = performance.now();
      await client.getAll(ENVIRONMENTS);
      expect(performance.now() - started).toBeGreaterThanOrEqual(950);
      expect(h.sim.knobs.requestCounts().total).toBe(2);
    } finally {
      await client.close();
    }
  });

  it('retries a GET whose connection was dropped', async () => {
    h.sim.knobs.addFault({ path: '/lifecycles', drop: true, times: 1 });

    const lifecycles = await h.client.getAll<{ Name: string }>('/api/Spaces-1/lifecycles');

    expect(lifecycles.map((l) => l.Name)).toContain('Default Lifecycle');
    expect(h.sim.knobs.requestCounts().total).toBe(2);
    expect(h.client.stats().retries).toBe(1);
  });

  it('does not repeat a POST whose connection dropped (it may have been applied)', async () => {
    h.sim.knobs.addFault({ method: 'POST', path: '/environments', drop: true, times: 1 });

    const error = (await h.client.post(ENVIRONMENTS, { Name: 'Dropped' }).catch((e: unknown) => e)) as OctopusApiError;

    expect(error).toBeInstanceOf(OctopusApiError);
    expect(error).toMatchObject({ reason: 'network', retryable: true, attempts: 1, status: undefined });
    expect(error.message).toContain(`lost the connection to ${h.sim.url}`);
    expect(error.message).toContain('may already have been applied');
    expect(h.sim.knobs.requestCounts().total).toBe(1);
  });

  it('repeats a POST marked idempotent whose connection dropped', async () => {
    h.sim.knobs.addFault({ method: 'POST', path: '/environments', drop: true, times: 1 });

    await h.client.post(ENVIRONMENTS, { Name: 'Again' }, { idempotent: true });

    expect(h.sim.knobs.requestCounts().byMethod.POST).toBe(2);
  });

  it('repeats a POST after a 503, which proves nothing was applied', async () => {
    h.sim.knobs.addFault({ method: 'POST', path: '/environments', status: 503, times: 1 });

    await h.client.post(ENVIRONMENTS, { Name: 'After503' });

    expect(h.sim.knobs.requestCounts().byMethod.POST).toBe(2);
  });

  it('does not repeat a POST after a 502 or 500, but does repeat a GET', async () => {
    h.sim.knobs.addFault({ method: 'POST', path: '/environments', status: 502, times: 1 });
    const postError = (await h.client.post(ENVIRONMENTS, { Name: 'X' }).catch((e: unknown) => e)) as OctopusApiError;
    expect(postError).toMatchObject({ status: 502, retryable: true, attempts: 1 });

    h.sim.knobs.addFault({ method: 'GET', path: '/environments', status: 500, times: 1 });
    await h.client.getAll(ENVIRONMENTS);
    expect(h.sim.knobs.requestCounts().byMethod.GET).toBe(2);
  });

  it('gives up after maxAttempts with a retryable error', async () => {
    const client = createOctopusClient({ server: h.sim.url, apiKey: h.sim.apiKey, retry: { maxAttempts: 3, sleep: h.sleeps.sleep } });
    h.sim.knobs.addFault({ path: '/environments', status: 503 });
    try {
      const error = (await client.getAll(ENVIRONMENTS).catch((e: unknown) => e)) as OctopusApiError;
      expect(error).toMatchObject({ status: 503, retryable: true, attempts: 3 });
      expect(error.message).toMatch(/^GET \/api\/Spaces-1\/environments\/all failed with 503: .*\(after 3 attempts\)$/);
      expect(h.sim.knobs.requestCounts().total).toBe(3);
    } finally {
      await client.close();
    }
  });

  it('fails at once when Retry-After is longer than it is willing to wait', async () => {
    h.sim.knobs.addFault({ path: '/environments', status: 429, retryAfterSeconds: 600, times: 1 });

    const error = (await h.client.getAll(ENVIRONMENTS).catch((e: unknown) => e)) as OctopusApiError;

    expect(error).toMatchObject({ status: 429, retryable: true, attempts: 1 });
    expect(error.message).toContain('retry after 600 s');
    expect(h.sleeps.delays).toEqual([]);
  });

  it('stops waiting between attempts when the caller aborts', async () => {
    const client = createOctopusClient({ server: h.sim.url, apiKey: h.sim.apiKey, retry: { baseDelayMs: 60_000, random: () => 0.99 } });
    h.sim.knobs.addFault({ path: '/environments', status: 503 });
    const controller = new AbortController();
    try {
      const pending = client.getAll(ENVIRONMENTS, { signal: controller.signal }).catch((e: unknown) => e);
      setTimeout(() => controller.abort(), 50);
      const error = (await pending) as OctopusApiError;
      expect(error).toMatchObject({ reason: 'aborted', retryable: false, attempts: 1 });
      expect(h.sim.knobs.requestCounts().total).toBe(1);
    } finally {
      await client.close();
    }
  });

  it('logs each retry without the API key', async () => {
    const lines: { level: string; details: object; message: string }[] = [];
    const logger = {
      debug: (details: object, message: string) => lines.push({ level: 'debug', details, message }),
      warn: (details: object, message: string) => lines.push({ level: 'warn', details, message }),
    };
    const client = createOctopusClient({ server: h.sim.url, apiKey: h.sim.apiKey, logger, retry: { sleep: h.sleeps.sleep } });
    h.sim.knobs.addFault({ path: '/environments', status: 503, times: 1 });
    try {
      await client.get(`${ENVIRONMENTS}?apikey=${h.sim.apiKey}`);
    } finally {
      await client.close();
    }
    const warnings = lines.filter((line) => line.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.details).toMatchObject({ method: 'GET', route: ENVIRONMENTS, attempt: 1, status: 503 });
    expect(JSON.stringify(lines)).not.toContain(h.sim.apiKey);
  });

  it('treats a 404 on a DELETE repeated after a dropped connection as done', async () => {
    const env = await h.client.post<{ Id: string }>(ENVIRONMENTS, { Name: 'Doomed' });
    // The simulator drops a socket before handling the request, so "applied, then dropped" is
    // staged: the environment is already gone when the DELETE's connection drops.
    await h.client.delete(`${ENVIRONMENTS}/${env.Id}`);
    h.sim.knobs.addFault({ method: 'DELETE', drop: true, times: 1 });

    await expect(h.client.delete(`${ENVIRONMENTS}/${env.Id}`)).resolves.toBeUndefined();

    // Without an ambiguous failure first, a 404 is an error as usual.
    await expect(h.client.delete(`${ENVIRONMENTS}/${env.Id}`)).rejects.toMatchObject({ status: 404 });
  });
});
