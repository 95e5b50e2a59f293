import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OctopusApiError, createOctopusClient, parseServerUrl, routeOf, spacePath } from '../../src/octopus/index.js';
import type { OctopusClient } from '../../src/octopus/index.js';
import { requestPath } from '../../src/octopus/paths.js';
import { startHarness, startPrefixProxy } from './helpers.js';
import type { Harness, Proxy } from './helpers.js';

describe('server URLs and paths', () => {
  it.each([
    ['https://octopus.example.com', 'https://octopus.example.com', ''],
    ['https://octopus.example.com/', 'https://octopus.example.com', ''],
    ['https://octopus.example.com/api', 'https://octopus.example.com', ''],
    ['https://octopus.example.com/api/', 'https://octopus.example.com', ''],
    ['http://host:8080/octopus', 'http://host:8080', '/octopus'],
    ['http://host:8080/octopus/API', 'http://host:8080', '/octopus'],
    ['http://host/a/b/', 'http://host', '/a/b'],
  ])('parseServerUrl(%j)', (input, origin, prefix) => {
    expect(parseServerUrl(input)).toEqual({ origin, prefix, base: `${origin}${prefix}` });
  });

  it.each(['octopus.example.com', 'ftp://host', 'https://user:secret@host'])('rejects %j', (input) => {
    expect(() => parseServerUrl(input)).toThrow(TypeError);
  });

  it.each([
    ['/api/Spaces-1/environments', undefined, '/octopus/api/Spaces-1/environments'],
    ['/octopus/api/Spaces-1/environments', undefined, '/octopus/api/Spaces-1/environments'],
    ['/api/Spaces-1/environments?skip=0', { take: 10 }, '/octopus/api/Spaces-1/environments?skip=0&take=10'],
    ['/api/x', { ids: ['A-1', 'A-2'], partialName: undefined, flag: true }, '/octopus/api/x?ids=A-1%2CA-2&flag=true'],
  ])('requestPath(%j, %j) under a prefix', (path, query, expected) => {
    expect(requestPath(parseServerUrl('http://host/octopus'), path, query)).toBe(expected);
  });

  it('refuses a path outside the API', () => {
    expect(() => requestPath(parseServerUrl('http://host'), '/environments')).toThrow(/must start with \/api/);
  });

  it('builds space-scoped paths', () => {
    expect(spacePath('Spaces-1', 'environments')).toBe('/api/Spaces-1/environments');
    expect(spacePath('Spaces-1', 'environments/all')).toBe('/api/Spaces-1/environments/all');
    expect(spacePath('Spaces-1', 'projects', 'Projects 1', 'channels')).toBe('/api/Spaces-1/projects/Projects%201/channels');
    expect(() => spacePath('', 'environments')).toThrow(TypeError);
  });

  it('strips the query from a route', () => {
    expect(routeOf('/api/x?apikey=API-SECRET&take=1')).toBe('/api/x');
  });
});

describe('a server under a path prefix that caps take (through a proxy to the simulator)', () => {
  let h: Harness;
  let proxy: Proxy;
  let client: OctopusClient;
  beforeAll(async () => {
    h = await startHarness();
    proxy = await startPrefixProxy(h.sim.url, '/octopus', { maxTake: 30 });
    client = createOctopusClient({ server: proxy.url, apiKey: h.sim.apiKey });
    await Promise.all(Array.from({ length: 75 }, (_, i) => client.post(spacePath('Spaces-1', 'environments'), { Name: `E${i}` })));
  });
  afterAll(async () => {
    await client.close();
    await proxy.close();
    await h.close();
  });

  it('sends requests under the prefix', async () => {
    await expect(client.get<{ Version: string }>('/api')).resolves.toMatchObject({ Version: expect.any(String) });
  });

  it('keeps reading until TotalResults when the server caps take', async () => {
    h.sim.knobs.resetCounts();

    const environments = await client.list<{ Id: string }>(spacePath('Spaces-1', 'environments'));

    expect(new Set(environments.map((e) => e.Id)).size).toBe(75);
    expect(h.sim.knobs.requestCounts().total).toBe(3);
  });

  it('explains a redirect instead of following it', async () => {
    const moved = createOctopusClient({ server: proxy.url.replace('/octopus', '/moved'), apiKey: h.sim.apiKey });
    try {
      await expect(moved.get('/api')).rejects.toMatchObject({
        status: 301,
        retryable: false,
        message: 'GET /api failed with 301: the server redirects to /octopus/api; configure the address it redirects to as the server URL',
      });
    } finally {
      await moved.close();
    }
  });

  it('quotes a non-JSON error body', async () => {
    const bare = createOctopusClient({ server: proxy.url.replace('/octopus', '/elsewhere'), apiKey: h.sim.apiKey });
    try {
      const error = (await bare.get('/api').catch((e: unknown) => e)) as OctopusApiError;
      expect(error).toBeInstanceOf(OctopusApiError);
      expect(error.message).toBe('GET /api failed with 404: <html><body>Not found</body></html>');
    } finally {
      await bare.close();
    }
  });
});
