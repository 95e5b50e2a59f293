// The official client, `@octopusdeploy/api-client` (written by Octopus Deploy, not here), works
// against the simulator through its own repositories: create, list with paging and
// `partialName`, modify and delete for the kinds it has repositories for, deployment and runbook
// processes through its process repositories, and its errors carry the server's status codes.
// (api-client caches space name → id in a module-global map; the simulator keeps the Default
// space as `Spaces-1`, so that cache stays right across simulators.)
import {
  Client,
  DeploymentProcessRepository,
  EnvironmentRepository,
  LifecycleRepository,
  ProjectGroupRepository,
  ProjectRepository,
  RunbookProcessRepository,
  RunbookRepository,
  TagSetRepository,
  TenantRepository,
  TenantedDeploymentMode,
} from '@octopusdeploy/api-client';
import type { DeploymentStep, NewProject, NewRunbook, Project, ResourceCollection } from '@octopusdeploy/api-client';
// 3.11.0's package index does not re-export its feeds feature (dist/features/index.js lists no
// "./feeds"), so FeedRepository is imported from where the package defines it.
import { FeedRepository } from '@octopusdeploy/api-client/dist/features/feeds/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../../../src/simulator/index.js';
import type { Simulator } from '../../../src/simulator/index.js';
import { processSteps } from './helpers/populate.js';

const SPACE = 'Default';

// api-client talks through axios, which honours HTTP(S)_PROXY; the simulator is local, so keep
// a proxy configured on a CI machine out of the way.
process.env.NO_PROXY = [process.env.NO_PROXY, '127.0.0.1', 'localhost'].filter(Boolean).join(',');

/** What every api-client repository used here offers (their resource types differ; only Id and Name matter here). */
interface Repository<T extends { Id: string; Name: string }> {
  create(resource: never): Promise<T>;
  list(args?: { skip?: number; take?: number; partialName?: string }): Promise<ResourceCollection<T>>;
  get(id: string): Promise<T>;
  modify(resource: T): Promise<T>;
  del(resource: T): Promise<T>;
}

/** The status code a rejected api-client call carries (`OctopusError.StatusCode`). */
async function statusOf(promise: Promise<unknown>): Promise<number | string> {
  return (await failureOf(promise)).status;
}

/** How an api-client call failed: its `OctopusError.StatusCode` and message. */
async function failureOf(promise: Promise<unknown>): Promise<{ status: number | string; message: string }> {
  try {
    await promise;
    return { status: 'resolved', message: '' };
  } catch (error) {
    const status = (error as { StatusCode?: number }).StatusCode ?? `no StatusCode: ${String(error)}`;
    return { status, message: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * A save from a stale copy is refused with 400 and the message the 2021 swagger documents for
 * `PUT /runbookProcesses/{id}` (deployment processes say the same, OctopusDeploy/Issues#9043).
 */
const STALE_PROCESS = { status: 400, message: expect.stringMatching(/another user has made changes to the process/) as unknown };

describe('@octopusdeploy/api-client against the simulator', () => {
  let sim: Simulator;
  let client: Client;

  beforeAll(async () => {
    // A fresh server: its well-known ids are part of what is compared.
    sim = await startSimulator({ idOffset: 0 });
    client = await Client.create({ instanceURL: sim.url, apiKey: sim.apiKey, userAgentApp: 'octosync-fidelity' });
  });

  afterAll(async () => {
    await sim?.close();
  });

  it('reads the server information from the root document', async () => {
    const info = await client.getServerInformation();
    expect(info.installationId).toBe(sim.instance.installationId);
    // Release, deployment and runbook-run commands refuse servers older than this.
    const [major = 0, minor = 0, build = 0] = info.version.split('.').map(Number);
    expect(major * 1e8 + minor * 1e5 + build).toBeGreaterThanOrEqual(2022 * 1e8 + 3 * 1e5 + 5512);
  });

  /**
   * Creates three resources named `<prefix> A|B|C`, pages through them two at a time (the
   * prefix as `partialName` keeps the space's built-ins out), finds one by a lower-case
   * `partialName`, modifies it, deletes it, and checks the duplicate-name and missing-id errors.
   */
  async function exercise<T extends { Id: string; Name: string }>(
    repository: Repository<T>,
    prefix: string,
    newResource: (name: string) => object,
    change: (resource: T) => T,
    changed: (resource: T) => unknown,
  ): Promise<void> {
    const created: T[] = [];
    for (const suffix of ['A', 'B', 'C']) created.push(await repository.create(newResource(`${prefix} ${suffix}`) as never));
    expect(created.map((r) => r.Name)).toEqual([`${prefix} A`, `${prefix} B`, `${prefix} C`]);
    expect(new Set(created.map((r) => r.Id)).size).toBe(3);

    const first = await repository.list({ partialName: prefix, skip: 0, take: 2 });
    const second = await repository.list({ partialName: prefix, skip: 2, take: 2 });
    expect(first).toMatchObject({ TotalResults: 3, ItemsPerPage: 2, NumberOfPages: 2, LastPageNumber: 1 });
    expect(first.Items).toHaveLength(2);
    expect(second.Items).toHaveLength(1);
    expect([...first.Items, ...second.Items].map((r) => r.Id).sort()).toEqual(created.map((r) => r.Id).sort());

    const found = await repository.list({ partialName: `${prefix} b`.toLowerCase() });
    expect(found.Items.map((r) => r.Name)).toEqual([`${prefix} B`]);

    const target = created[1] as T;
    const modified = await repository.modify(change(await repository.get(target.Id)));
    expect(changed(modified)).toEqual(changed(change(target)));
    expect(changed(await repository.get(target.Id))).toEqual(changed(change(target)));

    expect(await statusOf(repository.create(newResource(`${prefix} A`) as never))).toBe(400);
    await repository.del(target);
    expect(await statusOf(repository.get(target.Id))).toBe(404);
    expect((await repository.list({ partialName: prefix })).TotalResults).toBe(2);
  }

  it('environments', async () => {
    await exercise(
      new EnvironmentRepository(client, SPACE),
      'Fidelity env',
      (Name) => ({ Name, Description: 'made by api-client', UseGuidedFailure: false }),
      (env) => ({ ...env, Description: 'changed', UseGuidedFailure: true }),
      (env) => [env.Description, env.UseGuidedFailure],
    );
  });

  it('lifecycles', async () => {
    const environments = new EnvironmentRepository(client, SPACE);
    const dev = await environments.create({ Name: 'Lifecycle dev' });
    await exercise(
      new LifecycleRepository(client, SPACE),
      'Fidelity lifecycle',
      (Name) => ({
        Name,
        Phases: [{ Name: 'Dev', AutomaticDeploymentTargets: [dev.Id], OptionalDeploymentTargets: [], MinimumEnvironmentsBeforePromotion: 0, IsOptionalPhase: false }],
        ReleaseRetentionPolicy: { Unit: 'Days', QuantityToKeep: 30, ShouldKeepForever: false },
        TentacleRetentionPolicy: { Unit: 'Items', QuantityToKeep: 5, ShouldKeepForever: false },
      }),
      (lifecycle) => ({ ...lifecycle, Phases: [...lifecycle.Phases, { Name: 'Also dev', OptionalDeploymentTargets: [dev.Id], MinimumEnvironmentsBeforePromotion: 0, IsOptionalPhase: true }] } as typeof lifecycle),
      (lifecycle) => lifecycle.Phases.map((phase) => [phase.Name, phase.OptionalDeploymentTargets, phase.IsOptionalPhase]),
    );
  });

  it('project groups', async () => {
    await exercise(
      new ProjectGroupRepository(client, SPACE),
      'Fidelity group',
      (Name) => ({ Name }),
      (group) => ({ ...group, Description: 'changed' }),
      (group) => group.Description,
    );
  });

  it('projects', async () => {
    await exercise(
      new ProjectRepository(client, SPACE),
      'Fidelity project',
      (Name) => ({ Name, ProjectGroupId: 'ProjectGroups-1', LifecycleId: 'Lifecycles-1' }) satisfies NewProject,
      (project) => ({ ...project, Description: 'changed', IsDisabled: true }),
      (project) => [project.Description, project.IsDisabled],
    );
  });

  it('tag sets', async () => {
    await exercise(
      new TagSetRepository(client, SPACE),
      'Fidelity tags',
      (Name) => ({ Name, Tags: [{ Name: 'Gold', Color: '#FFD700' }] }),
      (tagSet) => ({ ...tagSet, Tags: [...tagSet.Tags, { Name: 'Silver', Color: '#C0C0C0' }] } as typeof tagSet),
      (tagSet) => tagSet.Tags.map((tag) => [tag.Name, tag.Color]),
    );
  });

  it('tenants', async () => {
    // Tenants connect only to projects that allow tenanted deployments; NewProject has no such field, so it is set by modify.
    const projects = new ProjectRepository(client, SPACE);
    const created = await projects.create({ Name: 'Tenanted', ProjectGroupId: 'ProjectGroups-1', LifecycleId: 'Lifecycles-1' });
    const project = await projects.modify({ ...created, TenantedDeploymentMode: TenantedDeploymentMode.TenantedOrUntenanted });
    const env = await new EnvironmentRepository(client, SPACE).create({ Name: 'Tenant env' });
    await exercise(
      new TenantRepository(client, SPACE),
      'Fidelity tenant',
      (Name) => ({ Name, TenantTags: [], ProjectEnvironments: {} }),
      (tenant) => ({ ...tenant, ProjectEnvironments: { [project.Id]: [env.Id] } }),
      (tenant) => tenant.ProjectEnvironments,
    );
  });

  it('feeds', async () => {
    await exercise(
      new FeedRepository(client, SPACE),
      'Fidelity feed',
      (Name) => ({ Name, FeedType: 'NuGet', FeedUri: 'https://api.nuget.org/v3/index.json', EnhancedMode: false, DownloadAttempts: 5, DownloadRetryBackoffSeconds: 10 }),
      (feed) => ({ ...feed, FeedUri: 'https://nuget.example.com/v3/index.json' } as typeof feed),
      (feed) => ('FeedUri' in feed ? feed.FeedUri : undefined),
    );
  });

  it('reads and modifies a deployment process (DeploymentProcessRepository)', async () => {
    const project: Project = await new ProjectRepository(client, SPACE).create({ Name: 'Processed', ProjectGroupId: 'ProjectGroups-1', LifecycleId: 'Lifecycles-1' });
    const processes = new DeploymentProcessRepository(client, SPACE);
    const process = await processes.get(project);
    expect(process).toMatchObject({ Id: project.DeploymentProcessId, ProjectId: project.Id, Steps: [] });

    const steps = processSteps([]) as unknown as DeploymentStep[];
    const updated = await processes.update(project, { ...process, Steps: steps });
    expect(updated.Version).toBe(process.Version + 1);
    const read = await processes.get(project);
    expect(read.Steps.map((step) => [step.Name, step.Actions.map((action) => [action.Name, action.ActionType])])).toEqual([
      ['Say hello', [['Say hello', 'Octopus.Script']]],
      ['Deploy', [['Deploy', 'Octopus.TentaclePackage']]],
    ]);
    expect(read.Steps[0]?.Actions[0]?.Properties).toMatchObject({ 'Octopus.Action.Script.ScriptBody': 'echo hello', ApiToken: { HasValue: true, NewValue: null } });

    expect(await failureOf(processes.update(project, { ...process, Steps: [] }))).toEqual(STALE_PROCESS);
  });

  it('creates runbooks and reads and modifies a runbook process (RunbookRepository, RunbookProcessRepository)', async () => {
    const project: Project = await new ProjectRepository(client, SPACE).create({ Name: 'With runbooks', ProjectGroupId: 'ProjectGroups-1', LifecycleId: 'Lifecycles-1' });
    const runbooks = new RunbookRepository(client, SPACE, project);
    const newRunbook = (Name: string) => ({ Name, ProjectId: project.Id, EnvironmentScope: 'All', MultiTenancyMode: 'Untenanted' }) as unknown as NewRunbook;
    const restart = await runbooks.create(newRunbook('Restart'));
    await runbooks.create(newRunbook('Flush cache'));
    expect((await runbooks.list({ partialName: 'restart' })).Items.map((r) => r.Id)).toEqual([restart.Id]);
    expect((await runbooks.list({ skip: 1, take: 1 })).Items).toHaveLength(1);
    expect((await runbooks.modify({ ...restart, Description: 'changed' })).Description).toBe('changed');

    const processes = new RunbookProcessRepository(client, SPACE, project);
    const process = await processes.get(restart);
    expect(process).toMatchObject({ Id: restart.RunbookProcessId, ProjectId: project.Id, RunbookId: restart.Id, Steps: [] });
    const updated = await processes.update({ ...process, Steps: processSteps([]) as unknown as DeploymentStep[] });
    expect(updated.Version).toBe(process.Version + 1);
    expect((await processes.get(restart)).Steps.map((step) => step.Name)).toEqual(['Say hello', 'Deploy']);
    expect(await failureOf(processes.update({ ...process, Steps: [] }))).toEqual(STALE_PROCESS);

    await runbooks.del(restart);
    expect(await statusOf(runbooks.get(restart.Id))).toBe(404);
  });

  it('reaches resources without a repository through the raw client (worker pools, variables)', async () => {
    const pools = await client.get<ResourceCollection<{ Name: string }>>('~/api/{spaceId}/workerpools{?skip,take}', { spaceId: 'Spaces-1', take: 100 });
    expect(pools.Items.map((pool) => pool.Name)).toContain('Default Worker Pool');
    const project = await new ProjectRepository(client, SPACE).create({ Name: 'With variables', ProjectGroupId: 'ProjectGroups-1', LifecycleId: 'Lifecycles-1' });
    const set = await client.get<{ Id: string; Variables: unknown[] }>('~/api/{spaceId}/variables/{id}', { spaceId: 'Spaces-1', id: project.VariableSetId });
    const variable = { Name: 'Greeting', Value: 'Hello', Type: 'String', IsSensitive: false, Scope: {} };
    await client.doUpdate('~/api/{spaceId}/variables/{id}', { ...set, Variables: [variable] }, { spaceId: 'Spaces-1', id: set.Id });
    const read = await client.get<{ Variables: unknown[] }>('~/api/{spaceId}/variables/{id}', { spaceId: 'Spaces-1', id: set.Id });
    expect(read.Variables).toEqual([expect.objectContaining(variable)]);
  });

  it('a wrong API key is refused with 401', async () => {
    const stranger = await Client.create({ instanceURL: sim.url, apiKey: 'API-WRONGKEY0000000000000000000000', userAgentApp: 'octosync-fidelity' });
    expect(await statusOf(new EnvironmentRepository(stranger, SPACE).list())).toBe(401);
    expect(await statusOf(stranger.get('~/api/spaces'))).toBe(401);
  });
});
