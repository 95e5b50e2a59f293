// A rename at the source is a rename at the destination: the same resource updated by PUT, keeping
// its id, its releases and what is scoped to it, planned as `~ project A → B` with no delete.
// Source and destination simulators over real HTTP, a real Git repository.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runApply } from '../../src/commands/apply.js';
import { preparePlan } from '../../src/commands/plan.js';
import type { Plan } from '../../src/core/plan.js';
import { renderPlanMarkdown, renderPlanText } from '../../src/core/render-plan.js';
import { SAMPLE_CERTIFICATE_PEM } from '../../src/simulator/seeds/sample-certificate.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { createAccounts } from '../support/destinations.js';
import { stateRepo } from '../support/gitops.js';
import type { StateRepo } from '../support/gitops.js';
import { simHttp } from '../support/sim-http.js';

let source: Simulator;
let destination: Simulator;
let repo: StateRepo;
const STAGING_SECRET = 'Server=staging-sql;Password=kept-across-the-rename';
const env = () => ({ DEST_KEY: destination.apiKey, TLS_DATA: Buffer.from(SAMPLE_CERTIFICATE_PEM).toString('base64'), STAGING_DB: STAGING_SECRET, GIT_TOKEN: 'test-git-token' });

async function writeDestination(withStagingSecret: boolean): Promise<void> {
  await repo.writeDestination('production', {
    server: destination.url,
    apiKey: { env: 'DEST_KEY' },
    branch: 'source',
    prune: true,
    missingSecrets: 'placeholder',
    overlays: {
      secrets: { 'certificates/Web Shop TLS': { CertificateData: { valueFrom: { env: 'TLS_DATA' } } }, 'git-credentials/GitHub deploy bot': { 'Details.Password': { valueFrom: { env: 'GIT_TOKEN' } } } },
      ...(withStagingSecret ? { variables: { projects: { 'Web Shop': [{ name: 'ConnectionStrings:Shop', scope: { Environment: ['Staging'] }, value: { valueFrom: { env: 'STAGING_DB' } } }] } } } : {}),
    },
  });
}

async function plan(): Promise<Plan> {
  const prepared = await preparePlan({ repo: repo.dir, destination: 'production', env: env() });
  await prepared.client.close();
  return prepared.plan;
}

async function rename(collection: string, from: string, to: string): Promise<void> {
  const http = simHttp(source);
  const all = (await http.get(`/api/Spaces-1/${collection}/all`)).body as { Id: string; Name: string }[];
  const id = all.find((resource) => resource.Name === from)?.Id as string;
  const current = (await http.get(`/api/Spaces-1/${collection}/${id}`)).body as Record<string, unknown>;
  expect((await http.put(`/api/Spaces-1/${collection}/${id}`, { ...current, Name: to })).status).toBe(200);
}

const idOf = async (collection: string, name: string) => ((await simHttp(destination).get(`/api/Spaces-1/${collection}/all`)).body as { Id: string; Name: string }[]).find((r) => r.Name === name)?.Id;

beforeEach(async () => {
  source = await startSimulator({ seed: 'sample' });
  destination = await startSimulator({ seed: 'empty' });
  await createAccounts(source, destination);
  repo = await stateRepo();
  await repo.snapshot(source);
  await writeDestination(true);
  await runApply({ repo: repo.dir, destination: 'production', env: env() });
}, 60_000);

afterEach(async () => {
  await source.close();
  await destination.close();
  await repo.cleanup();
});

describe('renames', () => {
  it('a project and an environment renamed at the source: two renames, no delete; the same ids, releases and scoped secrets after apply', async () => {
    const projectId = await idOf('projects', 'Customer Portal');
    const environmentId = await idOf('environments', 'Staging');
    const channels = (await simHttp(destination).get(`/api/Spaces-1/projects/${projectId}/channels`)).body as { Items: { Id: string }[] };
    destination.instance.create('releases', 'Spaces-1', { Version: '1.0.0', ProjectId: projectId, ChannelId: channels.Items[0]?.Id });
    expect(destination.instance.store.secretValues()).toContain(STAGING_SECRET);

    await rename('projects', 'Customer Portal', 'Customer Portal NG');
    await rename('environments', 'Staging', 'Pre-production');
    await repo.snapshot(source);
    // The overlay supplied the staging value once; the destination keeps it without one.
    await writeDestination(false);

    const planned = await plan();
    expect(planned.problems).toEqual([]);
    expect(planned.changes.filter((c) => c.renamedFrom).map((c) => `${c.kind} ${c.renamedFrom} → ${c.name}`)).toEqual(['environments Staging → Pre-production', 'projects Customer Portal → Customer Portal NG']);
    expect(planned.summary.delete).toBe(0);
    expect(planned.changes.filter((c) => c.action === 'create')).toEqual([]);
    expect(renderPlanText(planned)).toContain('~ project Customer Portal → Customer Portal NG\n');
    expect(renderPlanMarkdown(planned)).toContain('| `~` | environment | Staging → Pre-production |');

    await runApply({ repo: repo.dir, destination: 'production', env: env() });
    expect(await idOf('projects', 'Customer Portal NG')).toBe(projectId);
    expect(await idOf('environments', 'Pre-production')).toBe(environmentId);
    expect(await idOf('projects', 'Customer Portal')).toBeUndefined();
    const releases = (await simHttp(destination).get(`/api/Spaces-1/projects/${projectId}/releases`)).body as { Items: unknown[] };
    expect(releases.Items).toHaveLength(1);
    expect(destination.instance.store.secretValues()).toContain(STAGING_SECRET);
    // Nothing left to do, and nothing was recreated.
    expect((await plan()).changes).toEqual([]);
  }, 120_000);

  it('an overlay that still names the old name is a problem saying it was renamed', async () => {
    await rename('environments', 'Staging', 'Pre-production');
    await repo.snapshot(source);
    await writeDestination(true);
    const problems = (await plan()).problems.map((p) => `${p.where}: ${p.message}`);
    expect(problems).toEqual([expect.stringMatching(/^destinations\/production\.yaml:\d+: overlay variables\.projects\.Web Shop\[ConnectionStrings:Shop\]: .*\(Staging is renamed to 'Pre-production' by this commit: update the overlay\)$/)]);
  }, 120_000);

  it('a rename that also changes the resource stays a create and a delete (nothing guessed)', async () => {
    const http = simHttp(source);
    const all = (await http.get('/api/Spaces-1/environments/all')).body as { Id: string; Name: string }[];
    const id = all.find((e) => e.Name === 'Staging')?.Id as string;
    const current = (await http.get(`/api/Spaces-1/environments/${id}`)).body as Record<string, unknown>;
    await http.put(`/api/Spaces-1/environments/${id}`, { ...current, Name: 'Pre-production', Description: 'Something else now.' });
    await repo.snapshot(source);
    await writeDestination(false);
    const planned = await plan();
    expect(planned.changes.filter((c) => c.renamedFrom)).toEqual([]);
    expect(planned.changes.filter((c) => c.kind === 'environments').map((c) => `${c.action} ${c.name}`)).toEqual(['create Pre-production', 'delete Staging']);
  }, 120_000);
});
