import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MINIMUM_SERVER_VERSION,
  OctopusApiError,
  checkServer,
  compareVersions,
  createOctopusClient,
  isSupportedVersion,
  parseVersion,
  resolveSpaceId,
} from '../../src/octopus/index.js';
import { startHarness } from './helpers.js';
import type { Harness } from './helpers.js';

describe('checkServer and resolveSpaceId against the simulator', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('accepts the simulator and reports its version and the spaces the key sees', async () => {
    const info = await checkServer(h.client);

    expect(info.version).toMatch(/^\d{4}\.\d+\.\d+/);
    expect(isSupportedVersion(info.version)).toBe(true);
    expect(info.spaces.map((space) => space.Name)).toEqual(['Default']);
    expect(info.apiVersion).toBe('3.0.0');
  });

  it('rejects a server older than the minimum', async () => {
    const error = (await checkServer(h.client, { minimumVersion: '9999.1' }).catch((e: unknown) => e)) as OctopusApiError;

    expect(error).toBeInstanceOf(OctopusApiError);
    expect(error.reason).toBe('unsupported-server');
    expect(error.message).toMatch(/is older than 9999\.1, the oldest version octosync supports/);
  });

  it('detects a wrong API key, which GET /api alone cannot', async () => {
    const client = createOctopusClient({ server: h.sim.url, apiKey: 'API-NOTTHEKEY' });
    try {
      await expect(client.get('/api')).resolves.toBeTruthy();
      await expect(checkServer(client)).rejects.toMatchObject({ status: 401, route: '/api/spaces/all' });
    } finally {
      await client.close();
    }
  });

  it.each(['Default', 'default', ' DEFAULT ', 'Spaces-1'])('resolves the space %j to Spaces-1', async (name) => {
    await expect(resolveSpaceId(h.client, name)).resolves.toBe('Spaces-1');
  });

  it('names the existing spaces when a space is not found', async () => {
    await expect(resolveSpaceId(h.client, 'Nope')).rejects.toMatchObject({
      reason: 'not-found',
      message: expect.stringMatching(/no space named 'Nope' .*spaces: 'Default'/),
    });
  });
});

describe('version numbers', () => {
  it.each([
    ['2025.2.9341', '2022.3', 1],
    ['2022.3', '2022.3.0', 0],
    ['2022.10.1', '2022.3.9999', 1],
    ['2021.3.12000', '2022.3', -1],
    ['2022.3.0-rc1', '2022.3.0', -1],
    ['2022.3.0-rc2', '2022.3.0-rc1', 1],
    ['2024.1.100+build.5', '2024.1.100', 0],
    ['v2023.1', '2023.1', 0],
  ] as const)('compareVersions(%j, %j) = %d', (a, b, expected) => {
    expect(compareVersions(a, b)).toBe(expected);
  });

  it.each([
    ['2025.2.9341', true],
    ['2022.3.5512', true],
    ['2022.3.0-rc1', true],
    ['2022.4', true],
    ['2023.1.1', true],
    ['2022.2.8000', false],
    ['2021.3.12000', false],
    ['2019.7.12', false],
  ])('isSupportedVersion(%j) = %s', (version, expected) => {
    expect(isSupportedVersion(version, MINIMUM_SERVER_VERSION)).toBe(expected);
  });

  it('refuses to compare what is not a version', () => {
    expect(parseVersion('local')).toBeUndefined();
    expect(() => compareVersions('local', '2022.3')).toThrow(/not a version/);
  });
});
