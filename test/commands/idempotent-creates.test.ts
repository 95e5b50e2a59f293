// A create the server applied but whose answer was lost (a gateway's 503 or 429 after the work,
// a dropped connection) is found, not repeated: no duplicates, and the apply carries on.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runApply } from '../../src/commands/apply.js';
import { preparePlan } from '../../src/commands/plan.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { FaultRule, Simulator } from '../../src/simulator/index.js';
import { createAccounts, writesByRoute } from '../support/destinations.js';
import { stateRepo } from '../support/gitops.js';
import type { StateRepo } from '../support/gitops.js';
import { simHttp } from '../support/sim-http.js';

let source: Simulator;
let destination: Simulator;
let repo: StateRepo;
let env: Record<string, string>;

beforeEach(async () => {
  source = await startSimulator({ seed: 'sample' });
  destination = await startSimulator({ seed: 'empty' });
  await createAccounts(source, destination);
  repo = await stateRepo();
  env = { DEST_KEY: destination.apiKey, GIT_TOKEN: 'test-git-token', TLS_DATA: Buffer.from('not really a certificate').toString('base64') };
  await repo.snapshot(source);
  await repo.writeDestination('production', {
    server: destination.url,
    apiKey: { env: 'DEST_KEY' },
    branch: 'source',
    missingSecrets: 'placeholder',
    overlays: { secrets: { 'certificates/Web Shop TLS': { CertificateData: { valueFrom: { env: 'TLS_DATA' } } }, 'git-credentials/GitHub deploy bot': { 'Details.Password': { valueFrom: { env: 'GIT_TOKEN' } } } } },
  });
});

afterEach(async () => {
  await source.close();
  await destination.close();
  await repo.cleanup();
});

async function plan() {
  const prepared = await preparePlan({ repo: repo.dir, destination: 'production', env });
  await prepared.client.close();
  return prepared.plan;
}

/** Scoped user roles by their full content: the same role twice on a team is a duplicate. */
async function duplicateScopedUserRoles(): Promise<string[]> {
  const roles = (await simHttp(destination).get('/api/Spaces-1/scopeduserroles/all')).body as Record<string, unknown>[];
  const keys = roles.map((role) => JSON.stringify([role.TeamId, role.UserRoleId, role.EnvironmentIds, role.ProjectIds, role.ProjectGroupIds, role.TenantIds]));
  return keys.filter((key, index) => keys.indexOf(key) !== index);
}

async function duplicateNames(collection: string): Promise<string[]> {
  const names = ((await simHttp(destination).get(`/api/Spaces-1/${collection}/all`)).body as { Name: string }[]).map((r) => r.Name);
  return names.filter((name, index) => names.indexOf(name) !== index);
}

describe('a create whose answer is lost', () => {
  const cases: [string, FaultRule][] = [
    ['a gateway 503 after a scoped user role was created', { method: 'POST', path: /\/scopeduserroles$/, statusAfterHandling: 503, times: 2 }],
    ['a 429 after a scoped user role was created', { method: 'POST', path: /\/scopeduserroles$/, statusAfterHandling: 429, retryAfterSeconds: 0, times: 2 }],
    ['a gateway 503 after an environment was created', { method: 'POST', path: /\/environments$/, statusAfterHandling: 503, times: 2 }],
    ['a dropped connection after a team was created', { method: 'POST', path: /\/teams$/, dropAfterHandling: true, times: 2 }],
  ];

  it.each(cases)('%s: found and used, never created twice', async (_, fault) => {
    destination.knobs.addFault(fault);
    const result = await runApply({ repo: repo.dir, destination: 'production', env });
    expect(result.result).toBe('success');
    expect(await duplicateScopedUserRoles()).toEqual([]);
    for (const collection of ['environments', 'teams', 'projects']) expect(await duplicateNames(collection), collection).toEqual([]);
    destination.knobs.clearFaults();
    expect((await plan()).changes).toEqual([]);
  });

  it('repeats a create that was not applied (a real 503), once', async () => {
    destination.knobs.addFault({ method: 'POST', path: /\/scopeduserroles$/, status: 503, times: 1 });
    destination.knobs.resetCounts();
    await runApply({ repo: repo.dir, destination: 'production', env });
    expect(await duplicateScopedUserRoles()).toEqual([]);
    const roles = (await simHttp(source).get('/api/Spaces-1/scopeduserroles/all')).body as unknown[];
    expect(writesByRoute(destination)['POST /api/:spaceId/scopeduserroles']).toBe(roles.length + 1);
  });
});
