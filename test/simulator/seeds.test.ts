// The seeds over real HTTP: the empty seed's built-ins, the sample instance's inventory (one or
// more of every kind, realistic shapes, secrets that no response ever contains), and the
// synthetic seed's size, shape and determinism.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInstance, startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import type { Instance } from '../../src/simulator/instance.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON
type Json = any;

interface Api {
  get(path: string): Promise<Json>;
  /** Every document of a space collection, through its paged list route. */
  all(collection: string): Promise<Json[]>;
  raw(method: string, path: string, body?: unknown): Promise<{ status: number; text: string }>;
}

function api(sim: Simulator): Api {
  const raw = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${sim.url}${path}`, {
      method,
      headers: { 'X-Octopus-ApiKey': sim.apiKey, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, text: await response.text() };
  };
  const get = async (path: string) => {
    const response = await raw('GET', path);
    expect(response.status, `GET ${path}: ${response.text}`).toBe(200);
    return JSON.parse(response.text) as Json;
  };
  return {
    raw,
    get,
    all: async (collection) => {
      const page = await get(`${S}/${collection}?take=2147483647`);
      return page.Items as Json[];
    },
  };
}

const S = '/api/Spaces-1';
const names = (docs: Json[]) => docs.map((doc: Json) => doc.Name);

describe('empty seed', () => {
  let sim: Simulator;
  let http: Api;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 'empty', idOffset: 0 });
    http = api(sim);
  });
  afterAll(() => sim.close());

  it('starts its id counters at a different offset in each simulator, so no id is shared by accident', async () => {
    const [a, b] = [createInstance({ seed: 'sample' }), createInstance({ seed: 'sample' })];
    const ids = (instance: Instance) => new Set(['environments', 'projects', 'feeds', 'lifecycles', 'projectgroups', 'workerpools', 'accounts', 'certificates'].flatMap((c) => instance.store.list(c).map((doc) => doc.Id)));
    const shared = [...ids(a)].filter((id) => ids(b).has(id));
    // Only the ids every Octopus server gives its built-ins are the same.
    expect(shared.sort()).toEqual(['feeds-builtin', 'feeds-builtin-releases']);
    expect(a.findByName('lifecycles', 'Spaces-1', 'Default Lifecycle')?.Id).not.toBe('Lifecycles-1');
    expect(createInstance({ seed: 'empty', idOffset: 0 }).findByName('lifecycles', 'Spaces-1', 'Default Lifecycle')?.Id).toBe('Lifecycles-1');
  });

  it('has the built-ins of a fresh server and nothing else', async () => {
    expect((await http.get('/api/users/me')).Username).toBe('admin');
    expect((await http.get('/api/spaces/all')).map((s: Json) => [s.Id, s.Name, s.IsDefault])).toEqual([['Spaces-1', 'Default', true]]);
    expect((await http.get('/api/userroles/all')).map((r: Json) => r.Id)).toContain('userroles-projectdeployer');
    expect((await http.get(`${S}/lifecycles/all`)).map((l: Json) => [l.Id, l.Name])).toEqual([['Lifecycles-1', 'Default Lifecycle']]);
    expect((await http.get(`${S}/projectgroups/all`)).map((g: Json) => g.Id)).toEqual(['ProjectGroups-1']);
    expect((await http.get(`${S}/machinepolicies/all`)).map((p: Json) => [p.Id, p.IsDefault])).toEqual([['MachinePolicies-1', true]]);
    expect((await http.get(`${S}/workerpools/all`)).map((p: Json) => [p.Id, p.Name])).toEqual([['WorkerPools-1', 'Default Worker Pool']]);
    expect((await http.get(`${S}/feeds/all`)).map((f: Json) => f.Id)).toContain('feeds-builtin');
    const teams = (await http.get('/api/teams/all')).map((t: Json) => t.Id);
    expect(teams).toEqual(expect.arrayContaining(['teams-administrators', 'teams-everyone', 'teams-spacemanagers-Spaces-1']));
    for (const collection of ['environments', 'projects', 'tenants', 'tagsets', 'certificates', 'accounts', 'machines', 'workers', 'releases', 'libraryvariablesets', 'actiontemplates']) {
      expect(await http.get(`${S}/${collection}/all`), collection).toEqual([]);
    }
    expect(sim.instance.store.secretValues()).toEqual([]);
  });
});

describe('sample seed', () => {
  let sim: Simulator;
  let http: Api;
  let projects: Json[];
  const project = (name: string): Json => projects.find((p: Json) => p.Name === name);

  beforeAll(async () => {
    sim = await startSimulator({ seed: 'sample' });
    http = api(sim);
    projects = await http.get(`${S}/projects/all`);
  });
  afterAll(() => sim.close());

  it('has the four environments in order, production with guided failure', async () => {
    const environments = await http.get(`${S}/environments/all`);
    expect(names(environments)).toEqual(['Dev', 'Test', 'Staging', 'Production']);
    expect(environments.every((e: Json) => typeof e.Description === 'string' && e.Description !== '')).toBe(true);
    expect(environments.find((e: Json) => e.Name === 'Production').UseGuidedFailure).toBe(true);
  });

  it.each([
    'environments', 'workerpools', 'machinepolicies', 'tagsets', 'certificates', 'feeds', 'lifecycles', 'libraryvariablesets',
    'actiontemplates', 'projectgroups', 'teams', 'scopeduserroles', 'tenants', 'projects', 'channels', 'runbooks', 'accounts',
    'machines', 'workers', 'releases', 'variables', 'deploymentprocesses', 'runbookProcesses', 'tenantvariables',
  ])('has more than the empty seed of %s', async (collection) => {
    const list = ['tenantvariables', 'variables'].includes(collection) ? await http.get(`${S}/${collection}/all`) : await http.all(collection);
    const empty = createInstance({ seed: 'empty' }).store.list(collection).length;
    expect(list.length).toBeGreaterThan(empty);
  });

  it('has worker pools, a machine policy, tag sets and lifecycles of realistic shape', async () => {
    const pools = await http.get(`${S}/workerpools/all`);
    expect(pools.find((p: Json) => p.Name === 'Linux Workers').WorkerPoolType).toBe('StaticWorkerPool');
    // A self-hosted server cannot have dynamic pools: the sample's "Hosted Ubuntu" is a static one there.
    expect(pools.find((p: Json) => p.Name === 'Hosted Ubuntu')).toMatchObject({ WorkerPoolType: 'StaticWorkerPool' });
    const cloudPools = createInstance({ seed: 'sample', flavour: 'cloud' }).list('workerpools', 'Spaces-1');
    expect(cloudPools.find((p) => p.Name === 'Hosted Ubuntu')).toMatchObject({ WorkerPoolType: 'DynamicWorkerPool', WorkerType: 'Ubuntu2204', Description: 'Dynamic workers provided by Octopus Cloud.' });
    const policy = (await http.get(`${S}/machinepolicies/all`)).find((p: Json) => p.Name === 'Linux Targets');
    expect(policy.MachineHealthCheckPolicy.BashHealthCheckPolicy.ScriptBody).toContain('#!/bin/bash');
    const tagSets = await http.get(`${S}/tagsets/all`);
    expect(tagSets.map((t: Json) => [t.Name, names(t.Tags)])).toEqual([['Tier', ['Gold', 'Silver', 'Bronze']], ['Region', ['EU', 'US']]]);
    const lifecycles = await http.get(`${S}/lifecycles/all`);
    const devToProduction = lifecycles.find((l: Json) => l.Name === 'Dev to Production');
    expect(devToProduction.Phases).toHaveLength(4);
    expect(devToProduction.ReleaseRetentionPolicy).toMatchObject({ Unit: 'Days', QuantityToKeep: 30, ShouldKeepForever: false });
    const hotfix = lifecycles.find((l: Json) => l.Name === 'Hotfix');
    expect(hotfix.Phases.some((p: Json) => p.IsOptionalPhase === true)).toBe(true);
  });

  it('has feeds, a certificate and accounts whose secrets only show as HasValue', async () => {
    const feeds = await http.get(`${S}/feeds/all`);
    for (const type of ['NuGet', 'Docker', 'Helm']) {
      const feed = feeds.find((f: Json) => f.FeedType === type);
      expect(feed.Username, type).toBeTruthy();
      expect(feed.Password, type).toEqual({ HasValue: true, NewValue: null, Hint: null });
    }
    const [certificate] = await http.get(`${S}/certificates/all`);
    expect(certificate).toMatchObject({ SubjectCommonName: 'sample.octosync.test', HasPrivateKey: true, SelfSigned: true, CertificateDataFormat: 'Pem' });
    expect(certificate.CertificateData).toEqual({ HasValue: true, NewValue: null, Hint: null });
    expect(certificate.Thumbprint).toMatch(/^[0-9A-F]{40}$/);
    const accounts = await http.get(`${S}/accounts/all`);
    expect(accounts.map((a: Json) => a.AccountType).sort()).toEqual(['AmazonWebServicesAccount', 'UsernamePassword']);
    expect(accounts.find((a: Json) => a.AccountType === 'UsernamePassword').Password.HasValue).toBe(true);
    expect(accounts.find((a: Json) => a.AccountType === 'AmazonWebServicesAccount').SecretKey.HasValue).toBe(true);
  });

  it('has library variable sets with tenant templates, script modules and a step template', async () => {
    const sets = await http.get(`${S}/libraryvariablesets/all`);
    const common = sets.find((s: Json) => s.Name === 'Common Settings');
    expect(names(common.Templates)).toEqual(['Customer.ContactEmail', 'Customer.SupportPin']);
    const commonVariables = (await http.get(`${S}/variables/${common.VariableSetId}`)).Variables;
    expect(commonVariables.some((v: Json) => v.IsSensitive && v.Value === null)).toBe(true);
    expect(commonVariables.some((v: Json) => (v.Scope.Environment ?? []).length > 0)).toBe(true);
    expect(commonVariables.find((v: Json) => v.Name === 'Aws.Account').Type).toBe('AmazonWebServicesAccount');

    const modules = await http.get(`${S}/libraryvariablesets?contentType=ScriptModule`);
    expect(names(modules.Items).sort()).toEqual(['Logging Helpers', 'Retry Helpers']);
    for (const module of modules.Items) {
      const variables = (await http.get(`${S}/variables/${module.VariableSetId}`)).Variables;
      expect(names(variables).sort()).toEqual([`Octopus.Script.Module.Language[${module.Name}]`, `Octopus.Script.Module[${module.Name}]`]);
    }

    const [template] = await http.get(`${S}/actiontemplates/all`);
    expect(template).toMatchObject({ Name: 'Notify Slack', ActionType: 'Octopus.Script' });
    expect(names(template.Parameters)).toEqual(['Slack.WebhookUrl', 'Slack.Channel', 'Slack.Message']);
    expect(template.Properties['Slack.WebhookUrl']).toEqual({ HasValue: true, NewValue: null, Hint: null });
  });

  it('has teams with scoped user roles and members', async () => {
    const teams = await http.get(`${S}/teams/all`);
    const developers = teams.find((t: Json) => t.Name === 'Developers');
    expect(developers.MemberUserIds.length).toBeGreaterThan(0);
    const roles = (await http.get(`${S}/teams/${developers.Id}/scopeduserroles`)).Items;
    const deployer = roles.find((r: Json) => r.UserRoleId === 'userroles-projectdeployer');
    const environments = await http.get(`${S}/environments/all`);
    expect(deployer.EnvironmentIds).toEqual(environments.filter((e: Json) => ['Dev', 'Test'].includes(e.Name)).map((e: Json) => e.Id));
    expect(names(teams)).toEqual(expect.arrayContaining(['Release Managers', 'Customer Success']));
  });

  it('has projects in groups with channels, a tenanted one with templates', async () => {
    expect(names(projects).sort()).toEqual(['Customer Portal', 'Inventory Service', 'Legacy Reports', 'Payments API', 'Pet Clinic', 'Web Shop']);
    const groups = await http.get(`${S}/projectgroups/all`);
    expect(names(groups)).toEqual(expect.arrayContaining(['Web', 'Services']));
    expect(project('Customer Portal')).toMatchObject({ TenantedDeploymentMode: 'TenantedOrUntenanted' });
    expect(project('Customer Portal').Templates.length).toBeGreaterThan(0);
    expect(project('Web Shop').IncludedLibraryVariableSetIds.length).toBeGreaterThan(1);

    const channels = (await http.get(`/api/Spaces-1/projects/${project('Web Shop').Id}/channels`)).Items;
    expect(names(channels).sort()).toEqual(['Default', 'Hotfix', 'Preview']);
    const lifecycles = await http.get(`${S}/lifecycles/all`);
    expect(channels.find((c: Json) => c.Name === 'Hotfix').LifecycleId).toBe(lifecycles.find((l: Json) => l.Name === 'Hotfix').Id);
    expect(channels.find((c: Json) => c.Name === 'Preview').Rules[0].VersionRange).toBe('[2.0,3.0)');
  });

  it('has multi-step deployment processes: scripts, packages, a step template, conditions, scoped actions', async () => {
    for (const p of projects) {
      // A version-controlled project's process is read at a branch.
      const ref = p.IsVersionControlled ? `/${encodeURIComponent(`refs/heads/${String(p.PersistenceSettings.DefaultBranch)}`)}` : '';
      const process = await http.get(`${S}/projects/${p.Id}${ref}/deploymentprocesses`);
      expect(process.Steps.length, p.Name).toBeGreaterThan(0);
    }
    const process = await http.get(`${S}/deploymentprocesses/${project('Web Shop').DeploymentProcessId}`);
    const actions = process.Steps.flatMap((s: Json) => s.Actions);
    expect(process.Steps.length).toBeGreaterThanOrEqual(5);
    const scripts = actions.filter((a: Json) => a.Properties['Octopus.Action.Script.ScriptSource'] === 'Inline');
    expect(scripts.some((a: Json) => a.Properties['Octopus.Action.Script.ScriptBody'].split('\n').length > 3)).toBe(true);
    expect(new Set(scripts.map((a: Json) => a.Properties['Octopus.Action.Script.Syntax']))).toEqual(new Set(['Bash', 'PowerShell']));
    const feeds = await http.get(`${S}/feeds/all`);
    const packageStep = actions.find((a: Json) => a.ActionType === 'Octopus.TentaclePackage');
    expect(packageStep.Packages[0].FeedId).toBe(feeds.find((f: Json) => f.Name === 'Internal NuGet').Id);
    const [template] = await http.get(`${S}/actiontemplates/all`);
    const templated = actions.find((a: Json) => a.Properties['Octopus.Action.Template.Id'] === template.Id);
    expect(templated.Properties['Octopus.Action.Template.Version']).toBe(String(template.Version));
    expect(templated.Properties['Slack.WebhookUrl']).toEqual({ HasValue: true, NewValue: null, Hint: null });
    expect(new Set(process.Steps.map((s: Json) => s.Condition))).toEqual(new Set(['Variable', 'Success', 'Always']));
    expect(actions.some((a: Json) => a.Environments.length > 0)).toBe(true);
    expect(actions.some((a: Json) => a.Channels.length > 0)).toBe(true);
    expect(process.Steps.some((s: Json) => s.Actions.length > 1)).toBe(true);
  });

  it('has project variables: scoped, sensitive (never shown), prompted, account- and certificate-typed', async () => {
    const all = (await http.get(`${S}/projects/${project('Web Shop').Id}/variables`)).Variables;
    const sensitive = all.filter((v: Json) => v.IsSensitive);
    expect(sensitive.length).toBeGreaterThan(0);
    expect(sensitive.every((v: Json) => v.Value === null && v.Type === 'Sensitive')).toBe(true);
    for (const field of ['Environment', 'Channel', 'Role', 'Action', 'ProcessOwner']) {
      expect(all.some((v: Json) => (v.Scope[field] ?? []).length > 0), field).toBe(true);
    }
    expect(all.find((v: Json) => v.Prompt !== null).Prompt).toMatchObject({ Label: 'Approver', Required: true, DisplaySettings: { 'Octopus.ControlType': 'SingleLineText' } });
    const [certificate] = await http.get(`${S}/certificates/all`);
    expect(all.find((v: Json) => v.Type === 'Certificate').Value).toBe(certificate.Id);
    const portal = (await http.get(`${S}/projects/${project('Customer Portal').Id}/variables`)).Variables;
    expect(portal.some((v: Json) => (v.Scope.TenantTag ?? []).includes('Tier/Gold'))).toBe(true);
    for (const p of projects) {
      const variables = (await http.get(`${S}/projects/${p.Id}/variables`)).Variables;
      expect(variables.length, p.Name).toBeGreaterThan(0);
    }
  });

  it('has runbooks with processes', async () => {
    const runbooks = await http.get(`${S}/runbooks/all`);
    expect(runbooks.length).toBeGreaterThanOrEqual(4);
    for (const runbook of runbooks) {
      const process = await http.get(`${S}/runbookProcesses/${runbook.RunbookProcessId}`);
      expect(process.Steps.length, runbook.Name).toBeGreaterThan(0);
    }
  });

  it('has tenants connected to a project, with tags and variable values', async () => {
    const portal = project('Customer Portal');
    const tenants = await http.get(`${S}/tenants/all`);
    expect(tenants.length).toBeGreaterThanOrEqual(3);
    for (const tenant of tenants) {
      expect(tenant.ProjectEnvironments[portal.Id].length, tenant.Name).toBeGreaterThan(0);
      expect(tenant.TenantTags.length, tenant.Name).toBe(2);
    }
    expect((await http.get(`${S}/tenants?projectId=${portal.Id}`)).TotalResults).toBe(tenants.length);
    const acme = tenants.find((t: Json) => t.Name === 'Acme Corp');
    const variables = await http.get(`${S}/tenants/${acme.Id}/variables`);
    const perEnvironment = variables.ProjectVariables[portal.Id].Variables;
    const templates = Object.fromEntries(portal.Templates.map((t: Json) => [t.Name, t.Id]));
    for (const environmentId of acme.ProjectEnvironments[portal.Id]) {
      expect(typeof perEnvironment[environmentId][templates['Portal.Subdomain']]).toBe('string');
      expect(perEnvironment[environmentId][templates['Portal.LicenseKey']]).toMatchObject({ HasValue: true, NewValue: null });
    }
    expect(Object.values(variables.LibraryVariables).length).toBeGreaterThan(0);
  });

  it('has what octosync never syncs: releases, targets, workers, accounts, users', async () => {
    const releases = await http.get(`${S}/releases/all`);
    expect(releases.length).toBeGreaterThan(0);
    expect(releases.find((r: Json) => r.ProjectId === project('Web Shop').Id && r.Version === '1.0.0')).toBeDefined();
    const machines = await http.get(`${S}/machines/all`);
    expect(machines.length).toBeGreaterThan(0);
    expect(machines.find((m: Json) => m.Name === 'web01')).toMatchObject({
      Roles: ['web-server'],
      Endpoint: { CommunicationStyle: 'TentaclePassive', Uri: 'https://web01:10933/' },
    });
    expect(machines.some((m: Json) => m.TenantedDeploymentParticipation === 'Tenanted' && m.TenantIds.length > 0)).toBe(true);
    const pools = await http.get(`${S}/workerpools/all`);
    const linux = pools.find((p: Json) => p.Name === 'Linux Workers').Id;
    const workers = await http.get(`${S}/workers/all`);
    expect(workers.length).toBeGreaterThan(0);
    expect(workers.every((w: Json) => w.WorkerPoolIds.includes(linux))).toBe(true);
    expect((await http.get(`${S}/accounts/all`)).length).toBeGreaterThan(0);
    expect((await http.get('/api/users/all')).length).toBeGreaterThan(1);
  });

  it('has distinctive secrets that no response contains', async () => {
    const secrets = sim.instance.store.secretValues();
    expect(secrets.length).toBeGreaterThanOrEqual(20);
    expect(secrets.filter((s) => !s.startsWith('sample-secret-'))).toHaveLength(1); // the certificate data
    expect(secrets).toEqual(expect.arrayContaining([
      'sample-secret-nuget-feed-password', 'sample-secret-docker-hub-token', 'sample-secret-helm-repo-password', 'sample-secret-certificate-password',
      'sample-secret-deploy-account-password', 'sample-secret-aws-secret-access-key', 'sample-secret-slack-webhook-template-default',
      'sample-secret-smtp-password', 'sample-secret-shop-db-production', 'sample-secret-portal-license-acme', 'sample-secret-support-pin-acme',
    ]));
    const texts = await crawl(http, sim.instance);
    expect(texts.length).toBeGreaterThan(100);
    for (const { path, text } of texts) {
      expect(text.includes('sample-secret-'), path).toBe(false);
      for (const secret of secrets) expect(text.includes(secret), `${path} shows a secret`).toBe(false);
    }
  });

  it('is data the API accepts back unchanged (every set, process and tenant’s scoped variables PUT as read)', async () => {
    const paths = [
      ...(await http.get(`${S}/variables/all`)).map((v: Json) => `${S}/variables/${v.Id}`),
      ...(await http.all('deploymentprocesses')).map((p: Json) => `${S}/deploymentprocesses/${p.Id}`),
      ...(await http.all('runbookProcesses')).map((p: Json) => `${S}/runbookProcesses/${p.Id}`),
      ...(await http.get(`${S}/tenants/all`)).flatMap((t: Json) => [`${S}/tenants/${t.Id}/commonvariables`, `${S}/tenants/${t.Id}/projectvariables`]),
    ];
    const before = sim.instance.store.secretValues().sort();
    for (const path of paths) {
      const document = await http.get(path);
      const response = await http.raw('PUT', path, document);
      expect(response.status, `${path}: ${response.text}`).toBe(200);
    }
    expect(sim.instance.store.secretValues().sort()).toEqual(before);
  });
});

/** GETs every list, every document, every variable set, process and tenant's variables, and the events. */
async function crawl(http: Api, instance: Instance): Promise<{ path: string; text: string }[]> {
  const results: { path: string; text: string }[] = [];
  const get = async (path: string) => {
    const response = await http.raw('GET', path);
    expect(response.status, `GET ${path}: ${response.text}`).toBe(200);
    results.push({ path, text: response.text });
    return JSON.parse(response.text) as Json;
  };
  await get('/api');
  await get(S);
  for (const collection of ['spaces', 'users', 'userroles', 'teams', 'scopeduserroles']) await get(`/api/${collection}/all`);
  for (const collection of [
    'environments', 'workerpools', 'machinepolicies', 'tagsets', 'certificates', 'feeds', 'lifecycles', 'libraryvariablesets',
    'actiontemplates', 'projectgroups', 'teams', 'scopeduserroles', 'tenants', 'projects', 'channels', 'runbooks', 'accounts',
    'machines', 'workers', 'releases', 'deploymentprocesses', 'runbookProcesses', 'variables',
  ]) {
    // Processes have a paged list only, variable sets `/all` only; everything else has both.
    const docs = collection === 'variables' ? await get(`${S}/variables/all`) : (await get(`${S}/${collection}?take=2147483647`)).Items;
    if (!['deploymentprocesses', 'runbookProcesses', 'variables'].includes(collection)) await get(`${S}/${collection}/all`);
    for (const doc of docs) await get(`${S}/${collection}/${doc.Id}`);
  }
  await get(`${S}/tenantvariables/all`);
  for (const tenant of instance.list('tenants', 'Spaces-1')) await get(`${S}/tenants/${tenant.Id}/variables`);
  for (const project of instance.list('projects', 'Spaces-1')) {
    await get(`${S}/projects/${project.Id}`);
    await get(`${S}/projects/${project.Id}/variables`);
    // A version-controlled project's process (and plain variables) are read at its default branch.
    const branch = (project.PersistenceSettings as { DefaultBranch?: string } | undefined)?.DefaultBranch;
    if (project.IsVersionControlled === true) {
      await get(`${S}/projects/${project.Id}/${String(branch)}/deploymentprocesses`);
      await get(`${S}/projects/${project.Id}/${String(branch)}/variables`);
    } else {
      await get(`${S}/projects/${project.Id}/deploymentprocesses`);
    }
    await get(`${S}/projects/${project.Id}/channels`);
    // Runbooks stored in Git are read at the branch too, with their processes.
    if ((project.PersistenceSettings as { ConversionState?: { RunbooksAreInGit?: boolean } } | undefined)?.ConversionState?.RunbooksAreInGit === true) {
      for (const runbook of (await get(`${S}/projects/${project.Id}/${String(branch)}/runbooks`)).Items as Json[]) {
        await get(`${S}/projects/${project.Id}/${String(branch)}/runbooks/${String(runbook.Id)}`);
        await get(`${S}/projects/${project.Id}/${String(branch)}/runbookProcesses/${String(runbook.RunbookProcessId)}`);
      }
    } else {
      await get(`${S}/projects/${project.Id}/runbooks`);
    }
    await get(`${S}/projects/${project.Id}/releases`);
  }
  await get(`${S}/events?take=100000`);
  await get('/api/events?take=100000');
  return results;
}

describe('synthetic seed', () => {
  it('makes N projects of realistic shape', async () => {
    const sim = await startSimulator({ seed: 'synthetic:12' });
    try {
      const http = api(sim);
      const projects = await http.get(`${S}/projects/all`);
      expect(projects).toHaveLength(12);
      expect(new Set(projects.map((p: Json) => p.ProjectGroupId)).size).toBeGreaterThan(3);
      for (const project of projects) {
        const channels = (await http.get(`${S}/projects/${project.Id}/channels`)).Items;
        expect(channels, project.Name).toHaveLength(2);
        const variables = (await http.get(`${S}/projects/${project.Id}/variables`)).Variables;
        expect(variables.length, project.Name).toBeGreaterThanOrEqual(10);
        expect(variables.length, project.Name).toBeLessThanOrEqual(20);
        expect(variables.filter((v: Json) => v.IsSensitive), project.Name).toHaveLength(1);
        expect(variables.some((v: Json) => Object.keys(v.Scope).length > 0), project.Name).toBe(true);
        const process = await http.get(`${S}/projects/${project.Id}/deploymentprocesses`);
        expect(process.Steps.length, project.Name).toBeGreaterThanOrEqual(3);
        expect(process.Steps.length, project.Name).toBeLessThanOrEqual(5);
        const runbooks = (await http.get(`${S}/projects/${project.Id}/runbooks`)).Items;
        expect(runbooks, project.Name).toHaveLength(1);
        expect((await http.get(`${S}/runbookProcesses/${runbooks[0].RunbookProcessId}`)).Steps.length).toBeGreaterThan(0);
      }
      const tenants = await http.get(`${S}/tenants/all`);
      expect(tenants.length).toBeGreaterThan(0);
      const tenanted = projects.find((p: Json) => p.TenantedDeploymentMode !== 'Untenanted');
      expect((await http.get(`${S}/tenants?projectId=${tenanted.Id}`)).TotalResults).toBeGreaterThan(0);
      const secrets = sim.instance.store.secretValues();
      for (const { path, text } of await crawl(http, sim.instance)) {
        expect(text.includes('synthetic-secret-'), path).toBe(false);
        for (const secret of secrets) expect(text.includes(secret), path).toBe(false);
      }
    } finally {
      await sim.close();
    }
  });

  it('connects each tenanted project to three tenants, and each tenant to as many projects', () => {
    const instance = createInstance({ seed: 'synthetic:300' });
    const tenanted = instance.list('projects', 'Spaces-1').filter((project) => project.TenantedDeploymentMode !== 'Untenanted');
    expect(tenanted).toHaveLength(30);
    const tenants = instance.list('tenants', 'Spaces-1');
    const connections = tenants.map((tenant) => Object.keys((tenant.ProjectEnvironments ?? {}) as object));
    for (const project of tenanted) expect(connections.filter((ids) => ids.includes(project.Id)), String(project.Name)).toHaveLength(3);
    expect(connections.map((ids) => ids.length)).toEqual(tenants.map(() => 9));
    // As the seed says: tenanted project k (in order) connects tenants k, k+1 and k+2 (mod the
    // tenant count), in Test and Production when k is even, in Production alone when it is odd.
    const environmentIds = Object.fromEntries(instance.list('environments', 'Spaces-1').map((environment) => [environment.Name, environment.Id]));
    const seedOrder = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark', 'Wayne', 'Wonka', 'Tyrell', 'Cyberdyne'];
    const number = (project: Record<string, unknown>) => Number(/(\d+)\.$/.exec(String(project.Description))?.[1]);
    [...tenanted].sort((a, b) => number(a) - number(b)).forEach((project, k) => {
      const expected = [k, k + 1, k + 2].map((t) => seedOrder[t % seedOrder.length]).sort();
      expect(tenants.filter((tenant) => Object.keys(tenant.ProjectEnvironments as object).includes(project.Id)).map((tenant) => tenant.Name).sort(), String(project.Name)).toEqual(expected);
      for (const tenant of tenants.filter((t) => Object.keys(t.ProjectEnvironments as object).includes(project.Id))) {
        expect((tenant.ProjectEnvironments as Record<string, string[]>)[project.Id], `${String(tenant.Name)} × ${String(project.Name)}`).toEqual(k % 2 === 0 ? [environmentIds.Test, environmentIds.Production] : [environmentIds.Production]);
      }
    });
  });

  it('makes 0 projects too', () => {
    const instance = createInstance({ seed: 'synthetic:0' });
    expect(instance.list('projects', 'Spaces-1')).toEqual([]);
    expect(instance.list('environments', 'Spaces-1').length).toBeGreaterThan(0);
  });

  it('leaves every document in the space it belongs to', () => {
    const instance = createInstance({ seed: 'synthetic:30' });
    const spaces = new Set<unknown>([null, undefined, 'Spaces-1']);
    for (const collection of instance.defs.keys()) {
      for (const doc of instance.store.list(collection)) expect(spaces.has(doc.SpaceId), `${collection} ${doc.Id}`).toBe(true);
    }
    expect(instance.list('channels', 'Spaces-1')).toHaveLength(60);
    expect(instance.list('runbookProcesses', 'Spaces-1')).toHaveLength(30);
  });

  it.each(['synthetic:40', 'sample'])('%s is deterministic: two instances hold the same documents and secrets', (seed) => {
    // Ids depend on the offset only: two instances with the same one hold the same ids.
    const a = createInstance({ seed, idOffset: 7000 });
    const b = createInstance({ seed, idOffset: 7000 });
    expect(a.installationId).not.toBe(b.installationId);
    expect(snapshot(a)).toEqual(snapshot(b));
    expect(a.store.secretValues()).toEqual(b.store.secretValues());
  });
});

/** Every stored document, without the time it was written. */
function snapshot(instance: Instance): Record<string, unknown[]> {
  const result: Record<string, unknown[]> = {};
  for (const collection of instance.defs.keys()) {
    result[collection] = instance.store.list(collection).map((doc) => {
      const copy: Record<string, unknown> = { ...doc };
      delete copy.LastModifiedOn;
      return copy;
    });
  }
  return result;
}
