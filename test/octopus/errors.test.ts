import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OctopusApiError, createOctopusClient, redactSecrets } from '../../src/octopus/index.js';
import { closedPort, recordSleeps, startHarness } from './helpers.js';
import type { Harness } from './helpers.js';

const WRONG_KEY = 'API-WRONGKEY00000000000000000000';

describe('errors against the simulator', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('reports a rejected API key as a 401 that names the server, never the key', async () => {
    const client = createOctopusClient({ server: h.sim.url, apiKey: WRONG_KEY });
    try {
      const error = (await client.get('/api/users/me').catch((e: unknown) => e)) as OctopusApiError;

      expect(error).toBeInstanceOf(OctopusApiError);
      expect(error).toMatchObject({ status: 401, method: 'GET', route: '/api/users/me', retryable: false, attempts: 1 });
      expect(error.message).toMatch(/^GET \/api\/users\/me failed with 401: the API key was rejected by http:\/\/127\.0\.0\.1:\d+/);
      const everything = `${error.message} ${JSON.stringify(error)} ${error.stack ?? ''}`;
      expect(everything).not.toContain(WRONG_KEY);
      expect(everything).not.toContain(h.sim.apiKey);
      expect(h.sim.knobs.requestCounts().total).toBe(1);
    } finally {
      await client.close();
    }
  });

  it('keeps a key passed in the query string out of the route and the message', async () => {
    const error = (await h.client.get(`/api/Spaces-1/environments/Environments-999?apikey=${h.sim.apiKey}`).catch((e: unknown) => e)) as OctopusApiError;

    expect(error).toMatchObject({ status: 404, route: '/api/Spaces-1/environments/Environments-999' });
    expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(h.sim.apiKey);
  });

  it('fails fast with a clear message when nothing listens at the server URL', async () => {
    const port = await closedPort();
    const sleeps = recordSleeps();
    const client = createOctopusClient({ server: `http://127.0.0.1:${port}`, apiKey: h.sim.apiKey, retry: { sleep: sleeps.sleep } });
    try {
      const started = performance.now();
      const error = (await client.get('/api').catch((e: unknown) => e)) as OctopusApiError;

      expect(error).toBeInstanceOf(OctopusApiError);
      expect(error.message).toBe(`GET /api failed: could not reach http://127.0.0.1:${port}: connection refused`);
      expect(error).toMatchObject({ reason: 'network', status: undefined, attempts: 1, retryable: true });
      expect(error.toJSON().cause).toMatchObject({ code: 'ECONNREFUSED' });
      expect(sleeps.delays).toEqual([]);
      expect(performance.now() - started).toBeLessThan(2000);
    } finally {
      await client.close();
    }
  });

  it('serializes to JSON with the fields a command reports', async () => {
    await h.client.post('/api/Spaces-1/environments', { Name: 'Dev' });
    const error = (await h.client.post('/api/Spaces-1/environments', { Name: 'dev' }).catch((e: unknown) => e)) as OctopusApiError;

    const json = JSON.parse(JSON.stringify(error)) as Record<string, unknown>;

    expect(json).toMatchObject({
      name: 'OctopusApiError',
      code: 'OCTOPUS_API_ERROR',
      reason: 'http-status',
      method: 'POST',
      route: '/api/Spaces-1/environments',
      server: h.sim.url,
      status: 400,
      retryable: false,
      attempts: 1,
      message: error.message,
    });
    expect(json.errors).toEqual(error.errors);
  });
});

describe('OctopusApiError redaction', () => {
  const key = 'API-ABCDEFGHIJKLMNOPQRSTUVWXYZ12';

  it('redacts the configured key and key-shaped strings in every field and in the cause', () => {
    const cause = Object.assign(new Error(`request to http://host/api?apikey=${key} failed; key ${key}`), { code: 'ECONNRESET' });
    const error = new OctopusApiError(
      {
        reason: 'http-status',
        method: 'GET',
        route: `/api/things/${key}`,
        server: 'http://host',
        status: 500,
        errorMessage: `Bad key API-OTHER123`,
        errors: [`custom-secret-key appears here`],
        retryable: true,
        cause,
      },
      ['custom-secret-key'],
    );
    const everything = `${error.message} ${JSON.stringify(error)} ${String((error.cause as Error).stack)} ${(error.cause as Error).message}`;

    expect(everything).not.toContain(key);
    expect(everything).not.toContain('API-OTHER123');
    expect(everything).not.toContain('custom-secret-key');
    expect(error.toJSON().cause).toMatchObject({ name: 'Error', code: 'ECONNRESET' });
  });

  it.each([
    ['X-Octopus-ApiKey API-1234ABCD', 'X-Octopus-ApiKey API-***'],
    ['/api/x?apikey=abc&take=1', '/api/x?apikey=***&take=1'],
    ['/api/x?take=1&ApiKey=whatever', '/api/x?take=1&ApiKey=***'],
    ['https://user:pass@host/api', 'https://***@host/api'],
    ['nothing secret', 'nothing secret'],
  ])('redactSecrets(%j) = %j', (input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });
});
