// Destination policies end to end: tenants overlay, prune, and scope safety.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runApply } from '../../src/commands/apply.js';
import { preparePlan } from '../../src/commands/plan.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { createAccounts } from '../support/destinations.js';
import { stateRepo } from '../support/gitops.js';
import type { StateRepo } from '../support/gitops.js';
import { simHttp } from '../support/sim-http.js';

let source: Simulator;
let destination: Simulator;
let repo: StateRepo;
let env: Record<string, string>;

async function destinationFile(extra: Record<string, unknown>): Promise<void> {
  await repo.writeDestination('production', { server: destination.url, apiKey: { env: 'DEST_KEY' }, branch: 'source', missingSecrets: 'placeholder', ...extra });
}

async function plan() {
  const prepared = await preparePlan({ repo: repo.dir, destination: 'production', env });
  await prepared.client.close();
  return prepared.plan;
}

const apply = () => runApply({ repo: repo.dir, destination: 'production', env });
/** The secrets a destination of the sample must be given: a certificate's data and a Git credential's password. */
const CERTIFICATE = {
  'certificates/Web Shop TLS': { CertificateData: { valueFrom: { env: 'TLS_DATA' } } },
  'git-credentials/GitHub deploy bot': { 'Details.Password': { valueFrom: { env: 'GIT_TOKEN' } } },
};

beforeEach(async () => {
  source = await startSimulator({ seed: 'sample' });
  destination = await startSimulator({ seed: 'empty' });
  await createAccounts(source, destination);
  repo = await stateRepo();
  env = { DEST_KEY: destination.apiKey, GIT_TOKEN: 'test-git-token', TLS_DATA: Buffer.from('not really a certificate').toString('base64') };
});

afterEach(async () => {
  await source.close();
  await destination.close();
  await repo.cleanup();
});

describe('tenants overlay', () => {
  it('creates only the listed tenants, with the connections the overlay gives them', async () => {
    await repo.snapshot(source);
    await destinationFile({
      exclude: [{ kind: 'teams', name: 'Customer Success' }],
      overlays: {
        secrets: CERTIFICATE,
        tenants: { only: ['Acme Corp', 'Globex'], connections: { 'Acme Corp': { 'Customer Portal': ['Production'] } } },
      },
    });
    await apply();
    const tenants = (await simHttp(destination).get('/api/Spaces-1/tenants/all')).body as { Name: string; ProjectEnvironments: Record<string, string[]> }[];
    expect(tenants.map((t) => t.Name).sort()).toEqual(['Acme Corp', 'Globex']);
    const production = (await simHttp(destination).get('/api/Spaces-1/environments/all')).body.find((e: { Name: string }) => e.Name === 'Production');
    expect(Object.values(tenants.find((t) => t.Name === 'Acme Corp')?.ProjectEnvironments ?? {})).toEqual([[production.Id]]);
    expect((await plan()).changes).toEqual([]);
  });

  it('says which document refers to a tenant the overlay left out', async () => {
    await repo.snapshot(source);
    await destinationFile({ overlays: { secrets: CERTIFICATE, tenants: { only: ['Acme Corp'] } } });
    const problems = (await plan()).problems.map((p) => `${p.where}: ${p.message}`);
    expect(problems).toEqual(
      ['Globex', 'Initech', 'Umbrella Health'].map(
        (tenant, index) => `team 'Customer Success' /UserRoles/1/Tenants/${index + 1}: refers to the tenant '${tenant}', which does not exist in the destination or the repository`,
      ),
    );
  });
});

describe('prune', () => {
  it('deletes what it applied and the repository dropped, never what it did not create', async () => {
    await repo.snapshot(source);
    await destinationFile({ prune: true, overlays: { secrets: CERTIFICATE } });
    await apply();
    await simHttp(destination).post('/api/Spaces-1/environments', { Name: 'Made by hand' });
    const policy = (await simHttp(source).get('/api/Spaces-1/machinepolicies/all')).body.find((l: { Name: string }) => l.Name === 'Linux Targets');
    expect((await simHttp(source).del(`/api/Spaces-1/machinepolicies/${policy.Id}`)).status).toBe(200);
    await repo.snapshot(source);
    const pruning = await plan();
    expect(pruning.changes.map((c) => [c.action, c.kind, c.name])).toEqual([['delete', 'machine-policies', 'Linux Targets']]);
    await apply();
    const names = (path: string) => simHttp(destination).get(path).then((r) => (r.body as { Name: string }[]).map((x) => x.Name));
    expect(await names('/api/Spaces-1/machinepolicies/all')).not.toContain('Linux Targets');
    expect(await names('/api/Spaces-1/environments/all')).toContain('Made by hand');
    expect((await plan()).changes).toEqual([]);
  });

  it('does nothing without prune', async () => {
    await repo.snapshot(source);
    await destinationFile({ overlays: { secrets: CERTIFICATE } });
    await apply();
    const policy = (await simHttp(source).get('/api/Spaces-1/machinepolicies/all')).body.find((l: { Name: string }) => l.Name === 'Linux Targets');
    expect((await simHttp(source).del(`/api/Spaces-1/machinepolicies/${policy.Id}`)).status).toBe(200);
    await repo.snapshot(source);
    expect((await plan()).changes).toEqual([]);
  });
});

describe('scope safety', () => {
  beforeEach(async () => {
    // A Canary environment used only by two Web Shop variables; production leaves Canary out.
    const http = simHttp(source);
    const canary = (await http.post('/api/Spaces-1/environments', { Name: 'Canary' })).body;
    const production = (await http.get('/api/Spaces-1/environments/all')).body.find((e: { Name: string }) => e.Name === 'Production');
    const project = (await http.get('/api/Spaces-1/projects/all')).body.find((p: { Name: string }) => p.Name === 'Web Shop');
    const set = (await http.get(`/api/Spaces-1/variables/${project.VariableSetId}`)).body;
    set.Variables.push(
      { Name: 'Canary.Only', Value: 'c', Type: 'String', Scope: { Environment: [canary.Id] } },
      { Name: 'Canary.AndProd', Value: 'cp', Type: 'String', Scope: { Environment: [canary.Id, production.Id] } },
      { Name: 'Canary.Secret', Value: 'source-secret', Type: 'Sensitive', IsSensitive: true, Scope: { Environment: [canary.Id, production.Id] } },
    );
    expect((await http.put(`/api/Spaces-1/variables/${project.VariableSetId}`, set)).status).toBe(200);
    await repo.snapshot(source);
  });

  it('refuses by default, naming the variable and the scope value', async () => {
    await destinationFile({ exclude: [{ kind: 'environments', name: 'Canary' }], overlays: { secrets: CERTIFICATE } });
    const problems = (await plan()).problems.map((p) => p.message);
    expect(problems.filter((m) => m.includes("'Canary'"))).toHaveLength(3);
    await expect(apply()).rejects.toThrow(/nothing was applied/);
  });

  it('drops the missing value with scopePolicy: drop, and never widens a variable to unscoped', async () => {
    env.CANARY_SECRET = 'destination-secret';
    await destinationFile({
      exclude: [{ kind: 'environments', name: 'Canary' }],
      scopePolicy: 'drop',
      overlays: {
        secrets: CERTIFICATE,
        // Named with the repository's scope; it follows the variable when Canary is dropped.
        variables: { projects: { 'Web Shop': [{ name: 'Canary.Secret', scope: { Environment: ['Canary', 'Production'] }, value: { valueFrom: { env: 'CANARY_SECRET' } } }] } },
      },
    });
    await apply();
    const project = (await simHttp(destination).get('/api/Spaces-1/projects/all')).body.find((p: { Name: string }) => p.Name === 'Web Shop');
    const variables = (await simHttp(destination).get(`/api/Spaces-1/variables/${project.VariableSetId}`)).body.Variables as { Name: string; Scope: Record<string, string[]> }[];
    expect(variables.some((v) => v.Name === 'Canary.Only')).toBe(false);
    const both = variables.find((v) => v.Name === 'Canary.AndProd');
    expect(both?.Scope.Environment).toHaveLength(1);
    expect(destination.instance.store.secretValues()).toContain('destination-secret');
    expect((await plan()).changes).toEqual([]);
  });
});

describe('connection settings under review', () => {
  it('plans a pull request with the server and key of the branch the destination follows, not the ones the change proposes', async () => {
    await repo.snapshot(source);
    await destinationFile({ overlays: { secrets: CERTIFICATE } });
    await repo.git().checkoutLocalBranch('proposal');
    const elsewhere = await startSimulator({ seed: 'empty' });
    try {
      await repo.writeDestination('production', { server: elsewhere.url, apiKey: { env: 'DEST_KEY' }, branch: 'source', missingSecrets: 'placeholder', overlays: { secrets: CERTIFICATE } });
      elsewhere.knobs.resetCounts();
      destination.knobs.resetCounts();
      const prepared = await preparePlan({ repo: repo.dir, destination: 'production', ref: 'proposal', env });
      await prepared.client.close();
      expect(elsewhere.knobs.requestCounts().total).toBe(0);
      expect(destination.knobs.requestCounts().total).toBeGreaterThan(0);
    } finally {
      await elsewhere.close();
    }
  });
});
