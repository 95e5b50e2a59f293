// Helpers for tests with a source and a destination simulator.
import { listFiles, readFiles } from '../../src/repo/state-files.js';
import type { Simulator } from '../../src/simulator/index.js';
import { stateRepo } from './gitops.js';
import { simHttp } from './sim-http.js';

/** The spaces/ files a snapshot of the simulator commits, by path: two servers hold the same when these are equal. */
export async function snapshotOf(sim: Simulator): Promise<Map<string, string>> {
  const other = await stateRepo();
  try {
    await other.snapshot(sim);
    const files = (await listFiles(other.dir)).filter((file) => file.startsWith('spaces/'));
    return await readFiles(other.dir, files);
  } finally {
    await other.cleanup();
  }
}

/** POST, PUT and DELETE requests a simulator has answered since its counts were last reset. */
export function writes(sim: Simulator): { POST: number; PUT: number; DELETE: number } {
  const { byMethod } = sim.knobs.requestCounts();
  return { POST: byMethod.POST ?? 0, PUT: byMethod.PUT ?? 0, DELETE: byMethod.DELETE ?? 0 };
}

/** Requests other than GET a simulator has answered since its counts were last reset, by route (`PUT /api/:spaceId/teams/:id`). */
export function writesByRoute(sim: Simulator): Record<string, number> {
  return Object.fromEntries(Object.entries(sim.knobs.requestCounts().byRoute).filter(([route]) => !route.startsWith('GET ')));
}

/**
 * Accounts are never synced: a destination has its own. Here they are made by hand with the
 * source's names (and other secrets), as an operator would before the first apply.
 */
export async function createAccounts(from: Simulator, to: Simulator): Promise<void> {
  const accounts = (await simHttp(from).get('/api/Spaces-1/accounts/all')).body as Record<string, unknown>[];
  for (const account of accounts) {
    const { Id: _id, Links: _links, SpaceId: _space, ...body } = account;
    for (const [key, value] of Object.entries(body)) {
      if (value && typeof value === 'object' && 'HasValue' in value) body[key] = { HasValue: true, NewValue: `destination-own-${key}` };
    }
    const created = await simHttp(to).post('/api/Spaces-1/accounts', { ...body, EnvironmentIds: [], TenantIds: [], TenantTags: [] });
    if (created.status !== 201) throw new Error(`could not create account ${String(account.Name)}: ${created.text}`);
  }
}

