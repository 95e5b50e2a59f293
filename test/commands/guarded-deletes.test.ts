// Prune is guarded: a built-in is never deleted, removing every document of a kind (or a large
// share of what octosync manages) needs a confirmation, and the plan says what a delete takes with
// it, read from the destination. Source and destination simulators over real HTTP, real Git.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runApply } from '../../src/commands/apply.js';
import { preparePlan } from '../../src/commands/plan.js';
import type { Plan } from '../../src/core/plan.js';
import { renderPlanText } from '../../src/core/render-plan.js';
import { SAMPLE_CERTIFICATE_PEM } from '../../src/simulator/seeds/sample-certificate.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { createAccounts, writes } from '../support/destinations.js';
import { stateRepo } from '../support/gitops.js';
import type { StateRepo } from '../support/gitops.js';
import { postCreated, simHttp } from '../support/sim-http.js';

let source: Simulator;
let destination: Simulator;
let repo: StateRepo;
const env = () => ({ DEST_KEY: destination.apiKey, TLS_DATA: Buffer.from(SAMPLE_CERTIFICATE_PEM).toString('base64'), GIT_TOKEN: 'test-git-token' });

async function writeDestination(extra: Record<string, unknown> = {}): Promise<void> {
  await repo.writeDestination('production', {
    server: destination.url,
    apiKey: { env: 'DEST_KEY' },
    branch: 'source',
    prune: true,
    missingSecrets: 'placeholder',
    overlays: { secrets: { 'certificates/Web Shop TLS': { CertificateData: { valueFrom: { env: 'TLS_DATA' } } }, 'git-credentials/GitHub deploy bot': { 'Details.Password': { valueFrom: { env: 'GIT_TOKEN' } } } } },
    ...extra,
  });
}

async function plan(options: { allowLargeDeletes?: boolean } = {}): Promise<Plan> {
  const prepared = await preparePlan({ repo: repo.dir, destination: 'production', env: env(), ...options });
  await prepared.client.close();
  return prepared.plan;
}

beforeEach(async () => {
  source = await startSimulator({ seed: 'sample' });
  destination = await startSimulator({ seed: 'empty' });
  await createAccounts(source, destination);
  await postCreated(simHttp(source), '/api/Spaces-1/environments', { Name: 'Sandbox', Description: 'Nothing refers to it.' });
  repo = await stateRepo();
  await repo.snapshot(source);
  await writeDestination();
  await runApply({ repo: repo.dir, destination: 'production', env: env() });
}, 60_000);

afterEach(async () => {
  await source.close();
  await destination.close();
  await repo.cleanup();
});

describe('guarded deletes', () => {
  it('removing every machine policy file: refused without confirmation, and the built-in is never listed', async () => {
    await repo.git().rm(['-r', '--quiet', 'spaces/default/machine-policies']);
    await repo.git().commit('no machine policies');
    const refused = await plan();
    expect(refused.problems.map((p) => `${p.where}: ${p.message}`)).toEqual([expect.stringMatching(/^every machine policy: the repository has no machine policy documents left, so all 1 would be deleted; confirm with apply --allow-large-deletes/)]);
    const deleted = (p: Plan) => p.changes.filter((c) => c.action === 'delete').map((c) => `${c.kind} ${c.name}`);
    expect(deleted(refused)).toEqual(['machine-policies Linux Targets']);
    expect(refused.notices).toContainEqual(expect.stringContaining("machine policy 'Default Machine Policy' is built into every space: it is never deleted"));

    destination.knobs.resetCounts();
    await expect(runApply({ repo: repo.dir, destination: 'production', env: env() })).rejects.toThrow(/every machine policy/);
    expect(writes(destination)).toEqual({ POST: 0, PUT: 0, DELETE: 0 });

    // Confirmed by flag: applied, and the built-in is still there.
    const confirmed = await plan({ allowLargeDeletes: true });
    expect(confirmed.problems).toEqual([]);
    expect(deleted(confirmed)).toEqual(['machine-policies Linux Targets']);
    await runApply({ repo: repo.dir, destination: 'production', env: env(), allowLargeDeletes: true });
    const policies = (await simHttp(destination).get('/api/Spaces-1/machinepolicies/all')).body as { Name: string }[];
    expect(policies.map((p) => p.Name)).toEqual(['Default Machine Policy']);
  });

  it('deleting more than the share of what octosync manages needs the destination setting', async () => {
    await repo.git().rm(['-r', '--quiet', 'spaces/default/projects', 'spaces/default/tenants', 'spaces/default/teams']);
    await repo.git().commit('no projects, tenants or teams');
    const refused = await plan();
    expect(refused.problems.map((p) => p.message)).toContainEqual(expect.stringMatching(/^more than 50% of the \d+ resources octosync manages in this space would be deleted/));
    await writeDestination({ allowLargeDeletes: true });
    expect((await plan()).problems).toEqual([]);
  });

  it("shows what a delete takes with it: a project's releases, the targets an environment still has", async () => {
    const http = simHttp(destination);
    const projects = (await http.get('/api/Spaces-1/projects/all')).body as { Id: string; Name: string }[];
    const legacy = projects.find((p) => p.Name === 'Legacy Reports') as { Id: string };
    const channels = (await http.get(`/api/Spaces-1/projects/${legacy.Id}/channels`)).body as { Items: { Id: string }[] };
    // Releases are created by deployments' tooling, not through a route octosync or this test could use.
    for (const version of ['1.0.0', '1.0.1']) destination.instance.create('releases', 'Spaces-1', { Version: version, ProjectId: legacy.Id, ChannelId: channels.Items[0]?.Id });
    const environments = (await http.get('/api/Spaces-1/environments/all')).body as { Id: string; Name: string }[];
    const sandbox = environments.find((e) => e.Name === 'Sandbox') as { Id: string };
    await postCreated(http, '/api/Spaces-1/machines', { Name: 'sandbox-web-01', Endpoint: { CommunicationStyle: 'None' }, EnvironmentIds: [sandbox.Id], Roles: ['web'], TenantIds: [], TenantTags: [] });

    await repo.git().rm(['-r', '--quiet', 'spaces/default/projects/legacy-reports', 'spaces/default/environments/sandbox.yaml']);
    await repo.git().commit('retire Legacy Reports and the sandbox');
    const planned = await plan();
    const consequences = Object.fromEntries(planned.changes.filter((c) => c.action === 'delete').map((c) => [`${c.kind} ${c.name}`, c.consequences]));
    expect(consequences['projects Legacy Reports']).toEqual(['its 2 releases and their deployment history are deleted with it']);
    expect(consequences['environments Sandbox']).toEqual(['1 deployment target is still in it (sandbox-web-01); they lose this environment']);
    expect(renderPlanText(planned)).toContain('- project Legacy Reports\n    ! its 2 releases and their deployment history are deleted with it');
  });
});
