// Round trips against 2026 servers: snapshot a source → apply to an empty destination →
// snapshot the destination → the same files, except exactly what the overlay (or the plan)
// says. With the scoped tenant variable API on and off, with the deprecated routes removed,
// and from Octopus Cloud to a self-hosted server.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runApply } from '../../src/commands/apply.js';
import { preparePlan } from '../../src/commands/plan.js';
import type { Plan } from '../../src/core/plan.js';
import { SAMPLE_CERTIFICATE_PEM } from '../../src/simulator/seeds/sample-certificate.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator, SimulatorOptions } from '../../src/simulator/index.js';
import { createAccounts, snapshotOf, writes, writesByRoute } from '../support/destinations.js';
import { stateRepo } from '../support/gitops.js';
import type { StateRepo } from '../support/gitops.js';
import { deploymentProcessOf, simHttp } from '../support/sim-http.js';

const OVERLAY = {
  variables: { projects: { 'Web Shop': [{ name: 'ConnectionStrings:Shop', scope: { Environment: ['Production'] }, value: { valueFrom: { env: 'PROD_SHOP_DB' } } }] } },
  secrets: {
    'certificates/Web Shop TLS': { CertificateData: { valueFrom: { file: 'webshop-tls.b64' } }, Password: { valueFrom: { env: 'TLS_PASSWORD' } } },
    'git-credentials/GitHub deploy bot': { 'Details.Password': { valueFrom: { env: 'GIT_TOKEN' } } },
  },
};

interface Setting {
  source: Simulator;
  destination: Simulator;
  repo: StateRepo;
  env: Record<string, string>;
}

const started: Setting[] = [];

afterEach(async () => {
  for (const setting of started.splice(0)) {
    await setting.source.close();
    await setting.destination.close();
    await setting.repo.cleanup();
  }
});

/** A sample source and an empty destination of the given kinds, a repository with the source's snapshot, a destination file. */
async function setting(sourceOptions: SimulatorOptions, destinationOptions: SimulatorOptions, before?: (source: Simulator) => Promise<void>, overlays: object = OVERLAY): Promise<Setting> {
  const source = await startSimulator({ seed: 'sample', ...sourceOptions });
  const destination = await startSimulator({ seed: 'empty', ...destinationOptions });
  const repo = await stateRepo();
  const value: Setting = { source, destination, repo, env: { DEST_KEY: destination.apiKey, PROD_SHOP_DB: 'Server=prod;Password=prod-only', TLS_PASSWORD: 'tls-password', GIT_TOKEN: 'test-git-token' } };
  started.push(value);
  await createAccounts(source, destination);
  await repo.writeSecret('webshop-tls.b64', Buffer.from(SAMPLE_CERTIFICATE_PEM).toString('base64'));
  await before?.(source);
  await repo.snapshot(source);
  await repo.writeDestination('production', { server: destination.url, apiKey: { env: 'DEST_KEY' }, branch: 'source', missingSecrets: 'placeholder', overlays });
  return value;
}

async function planOf(s: Setting): Promise<Plan> {
  const prepared = await preparePlan({ repo: s.repo.dir, destination: 'production', env: s.env });
  await prepared.client.close();
  return prepared.plan;
}

/** The files whose snapshot differs between the two servers (the overlay only changes secret values, which snapshots never hold). */
async function differing(s: Setting): Promise<string[]> {
  const [want, got] = [await snapshotOf(s.source), await snapshotOf(s.destination)];
  expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
  return [...want.keys()].filter((file) => want.get(file) !== got.get(file)).sort();
}

/** Gives tenant Acme Corp a common value scoped to two environments and an unscoped project value, through the scoped API. */
async function scopeAcmeValues(source: Simulator): Promise<void> {
  const http = simHttp(source);
  const tenants = (await http.get('/api/Spaces-1/tenants/all')).body as { Id: string; Name: string }[];
  const acme = tenants.find((tenant) => tenant.Name === 'Acme Corp');
  const environments = (await http.get('/api/Spaces-1/environments/all')).body as { Id: string; Name: string }[];
  const env = (name: string) => environments.find((e) => e.Name === name)?.Id;
  const base = `/api/Spaces-1/tenants/${String(acme?.Id)}`;
  const common = (await http.get(`${base}/commonvariables`)).body as { Variables: Record<string, unknown>[]; ConcurrencyToken: string };
  const keep = (values: Record<string, unknown>[], drop: (v: Record<string, unknown>) => boolean) =>
    values.filter((v) => !drop(v)).map((v) => ({ Id: v.Id, OwnerId: v.LibraryVariableSetId ?? v.ProjectId, TemplateId: v.TemplateId, Value: v.Value, Scope: v.Scope }));
  const email = common.Variables.find((v) => (v.Template as { Name: string }).Name === 'Customer.ContactEmail') as Record<string, unknown>;
  const commonPut = await http.put(`${base}/commonvariables`, {
    TenantId: acme?.Id,
    SpaceId: 'Spaces-1',
    ConcurrencyToken: common.ConcurrencyToken,
    Variables: [
      ...keep(common.Variables, (v) => v === email),
      { OwnerId: email.LibraryVariableSetId, TemplateId: email.TemplateId, Value: 'prod-ops@acme.example', Scope: { EnvironmentIds: [env('Production'), env('Staging')] } },
      { OwnerId: email.LibraryVariableSetId, TemplateId: email.TemplateId, Value: 'it@acme.example', Scope: { EnvironmentIds: [] } },
    ],
  });
  expect(commonPut.status, commonPut.text).toBe(200);
  const project = (await http.get(`${base}/projectvariables`)).body as { Variables: Record<string, unknown>[]; ConcurrencyToken: string };
  const subdomain = project.Variables.filter((v) => (v.Template as { Name: string }).Name === 'Portal.Subdomain');
  const projectPut = await http.put(`${base}/projectvariables`, {
    TenantId: acme?.Id,
    SpaceId: 'Spaces-1',
    ConcurrencyToken: project.ConcurrencyToken,
    Variables: [
      ...keep(project.Variables, (v) => subdomain.includes(v)),
      { OwnerId: subdomain[0]?.ProjectId, TemplateId: subdomain[0]?.TemplateId, Value: 'acme', Scope: { EnvironmentIds: [] } },
    ],
  });
  expect(projectPut.status, projectPut.text).toBe(200);
}

describe('tenant variables, both APIs', () => {
  it('a common value scoped to two environments and an unscoped project value survive the round trip with their scopes', async () => {
    const s = await setting({ tenantVariableScoping: true }, { tenantVariableScoping: true }, scopeAcmeValues);
    const acme = (await snapshotOf(s.source)).get('spaces/default/tenants/acme-corp.yaml') as string;
    expect(acme).toContain('Customer.ContactEmail:\n        - Value: it@acme.example\n        - Environments:\n            - Production\n            - Staging\n          Value: prod-ops@acme.example');
    expect(acme).toContain('Portal.Subdomain: acme\n');
    expect((await runApply({ repo: s.repo.dir, destination: 'production', env: s.env })).result).toBe('success');
    expect(await differing(s)).toEqual([]);
    // Through the scoped API only: the legacy write is refused on such a server.
    expect(Object.keys(s.destination.knobs.requestCounts().byRoute).filter((route) => route.includes('/tenants/:id/variables') && !route.startsWith('GET '))).toEqual([]);
    expect((await planOf(s)).changes).toEqual([]);
  });

  it('the same repository planned against a destination without the scoped API fails before any write, naming the tenant and both templates', async () => {
    const s = await setting({ tenantVariableScoping: true }, { tenantVariableScoping: false }, scopeAcmeValues);
    const plan = await planOf(s);
    const tenantProblems = plan.problems.filter((problem) => problem.where.includes("tenant 'Acme Corp'"));
    expect(tenantProblems.map((problem) => problem.where)).toEqual([
      "tenant 'Acme Corp' (tenants/acme-corp.yaml) Variables.LibraryVariableSets.Common Settings.Customer.ContactEmail",
      "tenant 'Acme Corp' (tenants/acme-corp.yaml) Variables.Projects.Customer Portal.Portal.Subdomain",
    ]);
    expect(tenantProblems[0]?.message).toContain("template 'Customer.ContactEmail' is scoped to environments (Production, Staging)");
    expect(tenantProblems[1]?.message).toContain("template 'Portal.Subdomain' has a value for every environment");
    s.destination.knobs.resetCounts();
    await expect(runApply({ repo: s.repo.dir, destination: 'production', env: s.env })).rejects.toThrow(/Customer\.ContactEmail/);
    expect(writes(s.destination)).toEqual({ POST: 0, PUT: 0, DELETE: 0 });
  });

  it('round-trips through the legacy API when neither server has the scoped one', async () => {
    const s = await setting({ tenantVariableScoping: false }, { tenantVariableScoping: false });
    expect((await runApply({ repo: s.repo.dir, destination: 'production', env: s.env })).result).toBe('success');
    expect(await differing(s)).toEqual([]);
    expect(s.destination.knobs.requestCounts().byRoute['PUT /api/:spaceId/tenants/:id/variables']).toBeGreaterThan(0);
  });

  it('moves values from a legacy source to a scoped destination, and the plan is then empty', async () => {
    const s = await setting({ tenantVariableScoping: false }, { tenantVariableScoping: true });
    expect((await runApply({ repo: s.repo.dir, destination: 'production', env: s.env })).result).toBe('success');
    expect(await differing(s)).toEqual([]);
    expect((await planOf(s)).changes).toEqual([]);
  });
});

describe('deprecated routes', () => {
  it('a full round trip works with every deprecated route removed from both servers', async () => {
    const s = await setting({ deprecatedRoutes: false, tenantVariableScoping: true }, { deprecatedRoutes: false, tenantVariableScoping: true });
    expect((await runApply({ repo: s.repo.dir, destination: 'production', env: s.env })).result).toBe('success');
    expect(await differing(s)).toEqual([]);
    const used = Object.keys({ ...s.destination.knobs.requestCounts().byRoute, ...s.source.knobs.requestCounts().byRoute });
    expect(used.filter((route) => /^(GET \/api\/:spaceId\/channels(\/:id)?|PUT \/api\/:spaceId\/deploymentprocesses\/:id)$/.test(route))).toEqual([]);
  });
});

/** The spaces/ files of the two servers' snapshots: those only one has, and those that differ. */
async function compared(s: Setting): Promise<{ onlySource: string[]; onlyDestination: string[]; differ: string[] }> {
  const [want, got] = [await snapshotOf(s.source), await snapshotOf(s.destination)];
  return {
    onlySource: [...want.keys()].filter((file) => !got.has(file)).sort(),
    onlyDestination: [...got.keys()].filter((file) => !want.has(file)).sort(),
    differ: [...want.keys()].filter((file) => got.has(file) && want.get(file) !== got.get(file)).sort(),
  };
}

async function setDestination(s: Setting, patches: Record<string, object>): Promise<void> {
  await s.repo.writeDestination('production', { server: s.destination.url, apiKey: { env: 'DEST_KEY' }, branch: 'source', missingSecrets: 'placeholder', overlays: { ...OVERLAY, patches } });
}

const apply = (s: Setting) => runApply({ repo: s.repo.dir, destination: 'production', env: s.env });

describe('Octopus Cloud and self-hosted servers', () => {
  it('from Cloud to a self-hosted server: dynamic pools are left out and the plan says so; steps running on one fail naming it until the overlay gives the destination such a pool', async () => {
    const s = await setting({ flavour: 'cloud' }, { flavour: 'self-hosted' });
    expect(await readFile(path.join(s.repo.dir, 'source.yaml'), 'utf8')).toContain('version: 2026.2.4127\nflavour: cloud\ntenantVariableScoping: true\n');
    const plan = await planOf(s);
    expect(plan.notices.filter((notice) => notice.includes('left'))).toEqual([
      "space 'Default': worker pool 'Hosted Ubuntu' is left out: dynamic worker pools exist only on Octopus Cloud and this destination is self-hosted (steps naming it need an overlay patch, or a pool of that name in the destination)",
      "space 'Default': worker pool 'Hosted Windows' is left out: dynamic worker pools exist only on Octopus Cloud and this destination is self-hosted (steps naming it need an overlay patch, or a pool of that name in the destination)",
      "space 'Default': which worker pool is the default is left to the destination (the source is Octopus Cloud, the destination self-hosted)",
    ]);
    expect(plan.problems.length).toBeGreaterThan(0);
    for (const problem of plan.problems) expect(problem.message).toContain("'Hosted Ubuntu'");
    s.destination.knobs.resetCounts();
    await expect(apply(s)).rejects.toThrow(/Hosted Ubuntu/);
    expect(writes(s.destination)).toEqual({ POST: 0, PUT: 0, DELETE: 0 });

    // The destination's overlay makes Hosted Ubuntu a static pool there.
    await setDestination(s, { 'worker-pools/Hosted Ubuntu': { WorkerPoolType: 'StaticWorkerPool', WorkerType: null } });
    expect((await apply(s)).result).toBe('success');
    expect(s.destination.instance.list('workerpools', 'Spaces-1').filter((pool) => pool.WorkerPoolType !== 'StaticWorkerPool')).toEqual([]);
    expect(await compared(s)).toEqual({
      onlySource: ['spaces/default/worker-pools/hosted-windows.yaml'],
      onlyDestination: [],
      differ: ['spaces/default/worker-pools/default-worker-pool.yaml', 'spaces/default/worker-pools/hosted-ubuntu.yaml'],
    });
    expect((await planOf(s)).changes).toEqual([]);
  });

  it('from a self-hosted server to Cloud: a feed on a local path is left out; a pool of another type than the destination’s is a problem until the overlay matches it', async () => {
    const localFeed = async (source: Simulator) => {
      expect((await simHttp(source).post('/api/Spaces-1/feeds', { Name: 'Local packages', FeedType: 'NuGet', FeedUri: 'C:\\Packages' })).status).toBe(201);
    };
    const s = await setting({}, { flavour: 'cloud' }, localFeed);
    const plan = await planOf(s);
    expect(plan.notices).toEqual(
      expect.arrayContaining([
        "space 'Default': feed 'Local packages' is left out: its FeedUri 'C:\\Packages' is a local or SMB path, which this destination (Octopus Cloud) cannot read",
        "space 'Default': which worker pool is the default is left to the destination (the source is self-hosted, the destination Octopus Cloud)",
      ]),
    );
    expect(plan.problems.map((problem) => `${problem.where}: ${problem.message}`)).toEqual([
      "worker pool 'Hosted Ubuntu' (worker-pools/hosted-ubuntu.yaml) WorkerPoolType: is StaticWorkerPool, but the destination's pool of that name is a DynamicWorkerPool, and a pool's type cannot change: patch the document in the destination's overlay (worker-pools/Hosted Ubuntu) or rename one of them",
    ]);

    await setDestination(s, { 'worker-pools/Hosted Ubuntu': { WorkerPoolType: 'DynamicWorkerPool', WorkerType: 'Ubuntu2204' } });
    expect((await apply(s)).result).toBe('success');
    expect(await compared(s)).toEqual({
      onlySource: ['spaces/default/feeds/local-packages.yaml'],
      onlyDestination: ['spaces/default/worker-pools/hosted-windows.yaml'],
      differ: ['spaces/default/worker-pools/default-worker-pool.yaml', 'spaces/default/worker-pools/hosted-ubuntu.yaml'],
    });
    expect((await planOf(s)).changes).toEqual([]);
  });
});

describe('version skew', () => {
  /** A tag set for environments and an environment tagged with it: fields that arrived in 2025.4. */
  const environmentTags = async (source: Simulator) => {
    const http = simHttp(source);
    expect((await http.post('/api/Spaces-1/tagsets', { Name: 'Hosting', Scopes: ['Environment'], Tags: [{ Name: 'Azure', Color: '#3156B3' }] })).status).toBe(201);
    const environments = (await http.get('/api/Spaces-1/environments/all')).body as Record<string, unknown>[];
    const production = environments.find((environment) => environment.Name === 'Production');
    expect((await http.put(`/api/Spaces-1/environments/${String(production?.Id)}`, { ...production, EnvironmentTags: ['Hosting/Azure'] })).status).toBe(200);
  };

  it('a destination older than the source: a notice, and a problem naming the document and field its release cannot accept; nothing is written', async () => {
    const s = await setting({}, { version: '2025.2.11370' }, environmentTags);
    const plan = await planOf(s);
    expect(plan.notices).toContain(
      "destination 'production' runs Octopus Server 2025.2.11370, older than the source's 2026.2.4127 (source.yaml): what only the newer release has is checked below and fails the plan where the repository uses it",
    );
    expect(plan.problems.map((problem) => problem.where)).toEqual(["environment 'Production' (environments/production.yaml) /EnvironmentTags", "tag set 'Hosting' (tag-sets/hosting.yaml) /Scopes"]);
    expect(plan.problems[0]?.message).toMatch(/^sets EnvironmentTags, which Octopus Server 2025\.2\.11370 does not accept \(it arrived in 2025\.4: /);
    s.destination.knobs.resetCounts();
    await expect(apply(s)).rejects.toThrow(/EnvironmentTags/);
    expect(writes(s.destination)).toEqual({ POST: 0, PUT: 0, DELETE: 0 });
  });

  it('an older destination whose release has every field used: a notice only, and the apply works', async () => {
    const s = await setting({}, { version: '2026.1.2000' }, environmentTags);
    const plan = await planOf(s);
    expect(plan.notices.filter((notice) => notice.includes('older than the source'))).toHaveLength(1);
    expect(plan.problems).toEqual([]);
    expect((await apply(s)).result).toBe('success');
  });

  it('a newer destination: no notice', async () => {
    const s = await setting({}, { version: '2026.3.100' });
    const plan = await planOf(s);
    expect(plan.notices.filter((notice) => notice.includes('older than the source'))).toEqual([]);
    expect(plan.problems).toEqual([]);
  });
});

describe('community step templates', () => {
  const TEMPLATE = 'HTTP - Test URL (simulated)';
  const FILE = 'spaces/default/step-templates/http-test-url-simulated.yaml';

  /** Installs a community template in the source and gives Web Shop a step that uses it. */
  const installAndUse = async (source: Simulator) => {
    const http = simHttp(source);
    const library = ((await http.get('/api/communityactiontemplates')).body as { Items: Record<string, unknown>[] }).Items;
    const entry = library.find((candidate) => candidate.Name === TEMPLATE);
    const installed = await http.post(`/api/communityactiontemplates/${String(entry?.Id)}/installation/Spaces-1`, {});
    expect(installed.status, installed.text).toBe(201);
    const process = await deploymentProcessOf(http, 'Web Shop');
    const step = {
      Name: 'Check the shop answers',
      Condition: 'Success',
      StartTrigger: 'StartAfterPrevious',
      PackageRequirement: 'LetOctopusDecide',
      Properties: {},
      Actions: [
        {
          Name: 'Check the shop answers',
          ActionType: 'Octopus.Script',
          Properties: {
            'Octopus.Action.Template.Id': installed.body.Id,
            'Octopus.Action.Template.Version': String(installed.body.Version),
            'Octopus.Action.RunOnServer': 'true',
            TestUrl: 'https://shop.example.com/health',
          },
        },
      ],
    };
    const saved = await http.put(`/api/Spaces-1/deploymentprocesses/${String(process.Id)}`, { ...process, Steps: [...(process.Steps as object[]), step] });
    expect(saved.status, saved.text).toBe(200);
  };

  it('are written as a reference to the library (name and website, no id), installed in the destination through the installation route, and used by name', async () => {
    const s = await setting({}, {}, installAndUse);
    const source = await snapshotOf(s.source);
    expect(source.get(FILE)).toBe(
      '# yaml-language-server: $schema=../../../schemas/step-templates.schema.json\n' +
        `Name: ${TEMPLATE}\nCommunityTemplate:\n  Name: ${TEMPLATE}\n  Website: https://library.octopus.com/step-templates/0c7d4b0c-8a3e-4b55-9d3e-6f2b9a1c7e01\n`,
    );
    expect(source.get('spaces/default/projects/web-shop/deployment-process.yaml')).toContain(`Octopus.Action.Template.Id: ${TEMPLATE}`);
    s.destination.knobs.resetCounts();
    expect((await apply(s)).result).toBe('success');
    const routes = writesByRoute(s.destination);
    expect(routes['POST /api/communityactiontemplates/:id/installation/:spaceId']).toBe(1);
    expect(routes['POST /api/:spaceId/actiontemplates']).toBe(1); // Notify Slack, the sample's own template
    expect(await differing(s)).toEqual([]);
    expect((await planOf(s)).changes).toEqual([]);
  });

  it('a destination that cannot install one fails the plan naming the template, before any write', async () => {
    for (const destination of ['library off', 'not in its library'] as const) {
      const s = await setting({}, destination === 'library off' ? { communityTemplates: false } : {}, installAndUse);
      if (destination === 'not in its library') {
        const entry = s.destination.instance.list('communityactiontemplates', null).find((candidate) => candidate.Name === TEMPLATE);
        s.destination.instance.store.remove('communityactiontemplates', String(entry?.Id));
      }
      const plan = await planOf(s);
      const problems = plan.problems.filter((problem) => problem.where.startsWith('step template'));
      expect(problems.map((problem) => problem.where)).toEqual([`step template '${TEMPLATE}' (step-templates/http-test-url-simulated.yaml) CommunityTemplate`]);
      expect(problems[0]?.message).toMatch(destination === 'library off' ? /library is switched off/ : /community library does not have/);
      s.destination.knobs.resetCounts();
      await expect(apply(s)).rejects.toThrow(new RegExp(TEMPLATE.replace(/[()]/g, '\\$&')));
      expect(writes(s.destination)).toEqual({ POST: 0, PUT: 0, DELETE: 0 });
    }
  });
});
