// Deployment and runbook processes over real HTTP, and through @octopusdeploy/api-client.
import { Client, DeploymentProcessRepository, RunbookProcessRepository } from '@octopusdeploy/api-client';
import type { Project, Runbook } from '@octopusdeploy/api-client';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../src/simulator/http-error.js';
import { emptySimulatorForFile } from '../support/sim-http.js';

const server = emptySimulatorForFile();
const { http, created } = server;
let counter = 0;

async function newProject() {
  return created('/api/Spaces-1/projects', { Name: `Project ${++counter}`, ProjectGroupId: 'ProjectGroups-1', LifecycleId: 'Lifecycles-1' });
}

function script(name: string, extra: Record<string, unknown> = {}) {
  return {
    Name: name,
    Properties: { 'Octopus.Action.TargetRoles': 'web' },
    Actions: [{ Name: name, ActionType: 'Octopus.Script', Properties: { 'Octopus.Action.Script.ScriptBody': 'echo hi' }, ...extra }],
  };
}

async function putSteps(processPath: string, steps: unknown[]) {
  const current = await http.get(processPath);
  return http.put(processPath, { ...current.body, Steps: steps });
}

describe('owned processes', () => {
  it('exist from the moment a project or runbook is created, in every route form', async () => {
    const project = await newProject();
    const id = `deploymentprocess-${project.Id}`;
    expect(project.DeploymentProcessId).toBe(id);
    for (const path of [
      `/api/Spaces-1/deploymentprocesses/${id}`,
      `/api/spaces/Spaces-1/deploymentprocesses/${id}`,
      `/api/deploymentprocesses/${id}`,
      `/api/Spaces-1/projects/${project.Id}/deploymentprocesses`,
      `/api/spaces/Spaces-1/projects/${project.Slug}/deploymentprocesses`,
      `/api/projects/${project.Id}/deploymentprocesses`,
    ]) {
      const response = await http.get(path);
      expect(response.status, path).toBe(200);
      expect(response.body, path).toMatchObject({ Id: id, ProjectId: project.Id, SpaceId: 'Spaces-1', Version: 0, Steps: [], LastSnapshotId: null });
    }

    const runbook = await created(`/api/Spaces-1/projects/${project.Id}/runbooks`, { Name: 'Restart' });
    const runbookProcessId = `RunbookProcess-${runbook.Id}`;
    expect(runbook.RunbookProcessId).toBe(runbookProcessId);
    for (const path of [
      `/api/Spaces-1/runbookProcesses/${runbookProcessId}`,
      `/api/spaces/Spaces-1/runbookprocesses/${runbookProcessId}`,
      `/api/runbookProcesses/${runbookProcessId}`,
      `/api/Spaces-1/projects/${project.Id}/runbookProcesses/${runbookProcessId}`,
    ]) {
      const response = await http.get(path);
      expect(response.status, path).toBe(200);
      expect(response.body, path).toMatchObject({ Id: runbookProcessId, ProjectId: project.Id, RunbookId: runbook.Id, Version: 0, Steps: [] });
    }
  });

  it('are listed space-wide as collections sorted by Id, with an ids filter', async () => {
    const a = await newProject();
    const b = await newProject();
    const list = await http.get('/api/Spaces-1/deploymentprocesses?take=1000');
    expect(list.body.ItemType).toBe('DeploymentProcess');
    const ids = list.body.Items.map((p: { Id: string }) => p.Id);
    expect(ids).toEqual(expect.arrayContaining([a.DeploymentProcessId, b.DeploymentProcessId]));
    expect(ids.indexOf(a.DeploymentProcessId)).toBeLessThan(ids.indexOf(b.DeploymentProcessId));
    const filtered = await http.get(`/api/deploymentprocesses?ids=${b.DeploymentProcessId}`);
    expect(filtered.body.Items.map((p: { Id: string }) => p.Id)).toEqual([b.DeploymentProcessId]);

    const runbook = await created(`/api/Spaces-1/projects/${a.Id}/runbooks`, { Name: 'Listed' });
    const runbookProcesses = await http.get('/api/Spaces-1/runbookProcesses?take=1000');
    expect(runbookProcesses.body.ItemType).toBe('RunbookProcess');
    expect(runbookProcesses.body.Items.map((p: { Id: string }) => p.Id)).toContain(runbook.RunbookProcessId);
    const underProject = await http.get(`/api/Spaces-1/projects/${a.Id}/runbookProcesses`);
    expect(underProject.body.Items.map((p: { Id: string }) => p.Id)).toEqual([runbook.RunbookProcessId]);
    expect((await http.get(`/api/Spaces-1/projects/${b.Id}/runbookProcesses`)).body.Items).toEqual([]);
  });

  it('are not reachable under another project', async () => {
    const a = await newProject();
    const b = await newProject();
    const runbook = await created(`/api/Spaces-1/projects/${a.Id}/runbooks`, { Name: 'Mine' });
    expect((await http.get(`/api/Spaces-1/projects/${b.Id}/runbookProcesses/${runbook.RunbookProcessId}`)).status).toBe(404);
  });
});

describe('saving a process', () => {
  it('fills in every default, generates Ids and slugs, and increments Version', async () => {
    const project = await newProject();
    const path = `/api/Spaces-1/projects/${project.Id}/deploymentprocesses`;
    const response = await putSteps(path, [{ Name: 'Say Hello', Actions: [{ Name: 'Say Hello', ActionType: 'Octopus.Script' }] }]);
    expect(response.status, response.text).toBe(200);
    expect(response.body.Version).toBe(1);
    const [step] = response.body.Steps;
    expect(step).toEqual({
      Id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      Name: 'Say Hello',
      Slug: 'say-hello',
      PackageRequirement: 'LetOctopusDecide',
      Properties: {},
      Condition: 'Success',
      StartTrigger: 'StartAfterPrevious',
      Type: 'Step',
      Actions: [
        {
          Id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          Name: 'Say Hello',
          Slug: 'say-hello',
          ActionType: 'Octopus.Script',
          Notes: null,
          IsDisabled: false,
          IsRequired: false,
          CanBeUsedForProjectVersioning: false,
          WorkerPoolId: null,
          WorkerPoolVariable: null,
          Container: { FeedId: null, Image: null },
          Environments: [],
          ExcludedEnvironments: [],
          Channels: [],
          TenantTags: [],
          Packages: [],
          GitDependencies: [],
          Condition: 'Success',
          Properties: {},
          Links: {},
        },
      ],
    });
    expect(step.Id).not.toBe(step.Actions[0].Id);

    const again = await http.put(path, response.body);
    expect(again.body.Version).toBe(2);
    expect(again.body.Steps[0].Id).toBe(step.Id);
    expect(again.body.Steps[0].Actions[0].Id).toBe(step.Actions[0].Id);
  });

  it('refuses a stale or missing Version with 400', async () => {
    const project = await newProject();
    const path = `/api/Spaces-1/deploymentprocesses/${project.DeploymentProcessId}`;
    const original = (await http.get(path)).body;
    expect((await http.put(path, { ...original, Steps: [script('One')] })).status).toBe(200);
    const stale = await http.put(path, { ...original, Steps: [script('Two')] });
    expect(stale.status).toBe(400);
    expect(stale.body.ErrorMessage).toMatch(/another user has made changes to the process/);
    const { Version: _v, ...withoutVersion } = original;
    expect((await http.put(path, withoutVersion)).status).toBe(400);
    expect((await http.get(path)).body.Steps.map((s: { Name: string }) => s.Name)).toEqual(['One']);
  });

  it('requires step names unique case-insensitively, and action names unique across the process', async () => {
    const project = await newProject();
    const path = `/api/Spaces-1/deploymentprocesses/${project.DeploymentProcessId}`;
    const steps = await putSteps(path, [script('Deploy'), script('deploy')]);
    expect(steps.status).toBe(400);
    expect(steps.body.Errors.join('\n')).toMatch(/Step name 'deploy' is already in use by another step in this deployment process/);

    const actions = await putSteps(path, [script('First'), { ...script('Second'), Actions: [{ Name: 'First', ActionType: 'Octopus.Script' }] }]);
    expect(actions.status).toBe(400);
    expect(actions.body.Errors.join('\n')).toMatch(/Action name 'First' is already in use by another action/);

    expect((await putSteps(path, [{ Actions: [{ Name: 'A', ActionType: 'Octopus.Script' }] }])).status).toBe(400);
    expect((await putSteps(path, [{ Name: 'No type', Actions: [{ Name: 'No type' }] }])).status).toBe(400);
    expect((await putSteps(path, [{ Name: 'Bad', Condition: 'Sometimes', Actions: [{ Name: 'Bad', ActionType: 'Octopus.Script' }] }])).status).toBe(400);
  });

  it('checks what actions refer to', async () => {
    const project = await newProject();
    const other = await newProject();
    const otherChannel = (await http.get(`/api/Spaces-1/projects/${other.Id}/channels`)).body.Items[0];
    const path = `/api/Spaces-1/deploymentprocesses/${project.DeploymentProcessId}`;
    for (const extra of [
      { Environments: ['Environments-999'] },
      { ExcludedEnvironments: ['Environments-999'] },
      { WorkerPoolId: 'WorkerPools-999' },
      { Channels: [otherChannel.Id] },
      { TenantTags: ['No/Such'] },
      { Packages: [{ Name: '', PackageId: 'web', FeedId: 'Feeds-999' }] },
      { Container: { FeedId: 'Feeds-999', Image: 'ubuntu' } },
      { Properties: { 'Octopus.Action.Template.Id': 'ActionTemplates-999' } },
    ]) {
      const response = await putSteps(path, [script('Refers', extra)]);
      expect(response.status, JSON.stringify(extra)).toBe(400);
    }
    const channel = (await http.get(`/api/Spaces-1/projects/${project.Id}/channels`)).body.Items[0];
    const ok = await putSteps(path, [
      script('Refers', {
        Channels: [channel.Id],
        WorkerPoolId: 'WorkerPools-1',
        Packages: [{ Name: '', PackageId: 'web', FeedId: 'feeds-builtin' }],
        Container: { FeedId: null, Image: null },
      }),
    ]);
    expect(ok.status, ok.text).toBe(200);
    const action = ok.body.Steps[0].Actions[0];
    expect(action.Packages).toEqual([{ Id: expect.any(String), Name: '', PackageId: 'web', FeedId: 'feeds-builtin', AcquisitionLocation: 'Server', Properties: {} }]);
    expect(action.CanBeUsedForProjectVersioning).toBe(true);
  });

  it('takes a package a Package parameter chooses (SelectionMode deferred) without its PackageId, and no other', async () => {
    const project = await newProject();
    const path = `/api/Spaces-1/deploymentprocesses/${project.DeploymentProcessId}`;
    const deferred = { Name: 'App.Package', PackageId: null, FeedId: null, Properties: { SelectionMode: 'deferred', PackageParameterName: 'App.Package' } };
    const ok = await putSteps(path, [script('Templated', { Packages: [deferred] })]);
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.Steps[0].Actions[0].Packages).toEqual([expect.objectContaining({ Name: 'App.Package', PackageId: null, FeedId: null })]);
    expect((await putSteps(path, [script('Templated', { Packages: [{ ...deferred, Properties: { SelectionMode: 'immediate' } }] })])).status).toBe(400);
  });

  it('checks the ids in properties a server resolves (project, feed, account, teams) and the release package of a Deploy a Release step', async () => {
    const project = await newProject();
    const child = await newProject();
    const path = `/api/Spaces-1/deploymentprocesses/${project.DeploymentProcessId}`;
    const deployRelease = (projectId: string, packageId = projectId) => ({
      ActionType: 'Octopus.DeployRelease',
      Properties: { 'Octopus.Action.DeployRelease.ProjectId': projectId },
      Packages: [{ Name: '', PackageId: packageId, FeedId: 'feeds-builtin-releases' }],
    });
    for (const extra of [
      deployRelease('Projects-999'),
      deployRelease(child.Id, 'Projects-999'),
      { Properties: { 'Octopus.Action.Package.FeedId': 'Feeds-999' } },
      { Properties: { 'Octopus.Action.Azure.AccountId': 'Accounts-999' } },
      { Properties: { 'Octopus.Action.Manual.ResponsibleTeamIds': 'teams-everyone,Teams-999' } },
      { Properties: { 'Octopus.Action.Email.ToTeamIds': 'Teams-999' } },
      { GitDependencies: [{ Name: '', RepositoryUri: 'https://example.com/r.git', DefaultBranch: 'main', GitCredentialType: 'Library', GitCredentialId: 'GitCredentials-999' }] },
    ]) {
      const response = await putSteps(path, [script('Refers', extra)]);
      expect(response.status, JSON.stringify(extra)).toBe(400);
    }
    const credential = await created('/api/Spaces-1/git-credentials', { Name: `Repo ${counter}`, Details: { Type: 'UsernamePassword', Username: 'git', Password: { HasValue: true, NewValue: 'git-secret' } } });
    const dependency = { Name: '', RepositoryUri: 'https://example.com/r.git', DefaultBranch: 'main', GitCredentialType: 'Library', GitCredentialId: credential.Id, FilePathFilters: [] };
    const ok = await putSteps(path, [
      script('Deploy child', deployRelease(child.Id)),
      script('Approve', { ActionType: 'Octopus.Manual', Properties: { 'Octopus.Action.Manual.ResponsibleTeamIds': 'teams-everyone,teams-managers' } }),
      script('From Git', { GitDependencies: [dependency], Properties: { 'Octopus.Action.Package.FeedId': '#{Feed}' } }),
    ]);
    expect(ok.status, ok.text).toBe(200);
    // Read back with the 2026 fields a server fills in.
    expect(ok.body.Steps[2].Actions[0].GitDependencies).toEqual([{ ...dependency, GitHubConnectionId: null, StepPackageInputsReferenceId: null }]);
  });
});

describe('step references of a project', () => {
  const withPackage = (name: string) => script(name, { Packages: [{ Name: '', PackageId: 'web', FeedId: 'feeds-builtin' }, { Name: 'tools', PackageId: 'tools', FeedId: 'feeds-builtin' }] });

  it('refuse a donor or release-creation package whose step is not in the process, so a new project cannot name one', async () => {
    const fields = { ProjectGroupId: 'ProjectGroups-1', LifecycleId: 'Lifecycles-1' };
    for (const strategy of [
      { VersioningStrategy: { Template: null, DonorPackage: { DeploymentAction: 'Deploy', PackageReference: '' } } },
      { ReleaseCreationStrategy: { ChannelId: null, ReleaseCreationPackage: { DeploymentAction: 'Deploy', PackageReference: '' } } },
      { VersioningStrategy: { Template: null, DonorPackageStepId: '6f8f5c9e-0d8e-4d4c-9a8a-1d2a3b4c5d6e' } },
    ]) {
      const response = await http.post('/api/Spaces-1/projects', { Name: `Donor ${++counter}`, ...fields, ...strategy });
      expect(response.status, JSON.stringify(strategy)).toBe(400);
      expect(response.text).toMatch(/Deploy|6f8f5c9e/);
    }
  });

  it('accept them once the step and its package exist, and refuse removing that step until they are cleared', async () => {
    const project = await newProject();
    const path = `/api/Spaces-1/deploymentprocesses/${project.DeploymentProcessId}`;
    expect((await putSteps(path, [withPackage('Deploy'), script('Smoke test')])).status).toBe(200);
    const projectPath = `/api/Spaces-1/projects/${project.Id}`;
    const current = (await http.get(projectPath)).body;
    const missingPackage = await http.put(projectPath, { ...current, VersioningStrategy: { Template: null, DonorPackage: { DeploymentAction: 'Deploy', PackageReference: 'nope' } } });
    expect(missingPackage.status).toBe(400);
    const saved = await http.put(projectPath, {
      ...current,
      VersioningStrategy: { Template: null, DonorPackage: { DeploymentAction: 'Deploy', PackageReference: 'tools' } },
      ReleaseCreationStrategy: { ChannelId: null, ReleaseCreationPackage: { DeploymentAction: 'deploy', PackageReference: '' } },
    });
    expect(saved.status, saved.text).toBe(200);
    const removed = await putSteps(path, [script('Smoke test')]);
    expect(removed.status).toBe(400);
    expect(removed.text).toContain("'Deploy' could not be deleted because it is used as part of the release creation strategy");
    await http.put(projectPath, { ...saved.body, VersioningStrategy: { Template: '#{Octopus.Version.NextPatch}', DonorPackage: null }, ReleaseCreationStrategy: { ChannelId: null, ReleaseCreationPackage: null } });
    expect((await putSteps(path, [script('Smoke test')])).status).toBe(200);
  });
});

describe('sensitive properties', () => {
  async function withSecret() {
    const project = await newProject();
    const path = `/api/Spaces-1/deploymentprocesses/${project.DeploymentProcessId}`;
    const secret = `pa55-${++counter}`;
    const saved = await putSteps(path, [script('Call API', { Properties: { 'Api.Key': { HasValue: true, NewValue: secret }, Plain: 'visible' } })]);
    expect(saved.status, saved.text).toBe(200);
    return { path, secret, saved };
  }

  it('are never returned and survive a PUT of what was read', async () => {
    const { path, secret, saved } = await withSecret();
    expect(saved.text).not.toContain(secret);
    expect(saved.body.Steps[0].Actions[0].Properties).toEqual({ 'Api.Key': { HasValue: true, NewValue: null, Hint: null }, Plain: 'visible' });
    const read = await http.get(path);
    expect(read.text).not.toContain(secret);
    expect((await http.get('/api/Spaces-1/deploymentprocesses?take=1000')).text).not.toContain(secret);
    const again = await http.put(path, read.body);
    expect(again.status).toBe(200);
    expect(again.body.Steps[0].Actions[0].Properties['Api.Key']).toEqual({ HasValue: true, NewValue: null, Hint: null });
    expect(server.sim.instance.store.secretValues()).toContain(secret);
  });

  it('are lost when the action comes back without its Id, and cleared by HasValue false', async () => {
    const first = await withSecret();
    const read = (await http.get(first.path)).body;
    delete read.Steps[0].Actions[0].Id;
    const withoutId = await http.put(first.path, read);
    expect(withoutId.body.Steps[0].Actions[0].Properties['Api.Key']).toEqual({ HasValue: false, NewValue: null, Hint: null });
    expect(server.sim.instance.store.secretValues()).not.toContain(first.secret);

    const second = await withSecret();
    const current = (await http.get(second.path)).body;
    current.Steps[0].Actions[0].Properties['Api.Key'] = { HasValue: false };
    expect((await http.put(second.path, current)).body.Steps[0].Actions[0].Properties['Api.Key'].HasValue).toBe(false);
    expect(server.sim.instance.store.secretValues()).not.toContain(second.secret);
  });

  it('are replaced by a new NewValue and dropped with their step', async () => {
    const { path, secret } = await withSecret();
    const read = (await http.get(path)).body;
    read.Steps[0].Actions[0].Properties['Api.Key'] = { HasValue: true, NewValue: `${secret}-new` };
    await http.put(path, read);
    expect(server.sim.instance.store.secretValues()).toContain(`${secret}-new`);
    expect(server.sim.instance.store.secretValues()).not.toContain(secret);
    await putSteps(path, []);
    expect(server.sim.instance.store.secretValues()).not.toContain(`${secret}-new`);
  });
});

describe('runbook processes', () => {
  it('are saved through the project route api-client uses, and keep their owner', async () => {
    const project = await newProject();
    const other = await newProject();
    const runbook = await created(`/api/Spaces-1/projects/${project.Id}/runbooks`, { Name: 'Purge' });
    const path = `/api/Spaces-1/projects/${project.Id}/runbookProcesses/${runbook.RunbookProcessId}`;
    const current = (await http.get(path)).body;
    const response = await http.put(path, { ...current, ProjectId: other.Id, RunbookId: 'Runbooks-999', Steps: [script('Purge cache')] });
    expect(response.status, response.text).toBe(200);
    expect(response.body).toMatchObject({ ProjectId: project.Id, RunbookId: runbook.Id, Version: 1 });
    expect(response.body.Links.Runbook).toBe(`/api/Spaces-1/runbooks/${runbook.Id}`);
    const wrongProject = await http.put(`/api/Spaces-1/projects/${other.Id}/runbookProcesses/${runbook.RunbookProcessId}`, response.body);
    expect(wrongProject.status).toBe(404);
    const duplicate = await http.put(path, { ...response.body, Steps: [script('Same'), script('SAME')] });
    expect(duplicate.body.Errors.join('\n')).toMatch(/in this runbook process/);
  });

  it('work with api-client DeploymentProcessRepository and RunbookProcessRepository', async () => {
    const client = await Client.create({ instanceURL: server.sim.url, apiKey: server.sim.apiKey, userAgentApp: 'processes-test' });
    const project = (await newProject()) as Project;
    const runbook = (await created(`/api/Spaces-1/projects/${project.Id}/runbooks`, { Name: 'Via client' })) as Runbook;

    const deployments = new DeploymentProcessRepository(client, 'Default');
    const process = await deployments.get(project);
    const updated = await deployments.update(project, { ...process, Steps: [script('From client')] as never });
    expect(updated.Version).toBe(1);
    expect((await deployments.get(project)).Steps[0]?.Name).toBe('From client');

    const runbookProcesses = new RunbookProcessRepository(client, 'Default', project);
    const runbookProcess = await runbookProcesses.get(runbook);
    const saved = await runbookProcesses.update({ ...runbookProcess, Steps: [script('Runbook step')] as never });
    expect(saved.Version).toBe(1);
    expect(saved.RunbookId).toBe(runbook.Id);
    await expect(runbookProcesses.update({ ...runbookProcess, Steps: [] })).rejects.toMatchObject({ StatusCode: 400 });
  });
});

describe('instance.update from code', () => {
  it('behaves exactly as an HTTP PUT', async () => {
    const viaHttp = await newProject();
    const viaCode = await newProject();
    const body = (secret: string) => ({
      Version: 0,
      ProjectId: 'ignored',
      Steps: [
        script('Deploy', { Id: 'action-1', Properties: { Token: { HasValue: true, NewValue: secret } } }),
        { ...script('Notify'), Id: 'step-2', Condition: 'Always' },
      ],
    });
    const put = await http.put(`/api/Spaces-1/deploymentprocesses/${viaHttp.DeploymentProcessId}`, body('http-token'));
    expect(put.status, put.text).toBe(200);
    server.sim.instance.update('deploymentprocesses', 'Spaces-1', viaCode.DeploymentProcessId, body('code-token'));

    const a = (await http.get(`/api/Spaces-1/deploymentprocesses/${viaHttp.DeploymentProcessId}`)).body;
    const b = (await http.get(`/api/Spaces-1/deploymentprocesses/${viaCode.DeploymentProcessId}`)).body;
    const withoutGeneratedIds = (steps: { Id: string; Actions: { Id: string }[] }[]) =>
      steps.map((step) => ({ ...step, Id: step.Id === 'step-2' ? step.Id : 'generated', Actions: step.Actions.map((x) => ({ ...x, Id: x.Id === 'action-1' ? x.Id : 'generated' })) }));
    expect(withoutGeneratedIds(b.Steps)).toEqual(withoutGeneratedIds(a.Steps));
    expect([a.Version, b.Version, a.ProjectId, b.ProjectId]).toEqual([1, 1, viaHttp.Id, viaCode.Id]);
    expect(server.sim.instance.store.secretValues()).toEqual(expect.arrayContaining(['http-token', 'code-token']));

    // A stale Version and a duplicate step name are refused from code too.
    expect(() => server.sim.instance.update('deploymentprocesses', 'Spaces-1', viaCode.DeploymentProcessId, body('x'))).toThrow(HttpError);
    const duplicate = { Version: 1, Steps: [script('Twice'), script('twice')] };
    expect(() => server.sim.instance.update('deploymentprocesses', 'Spaces-1', viaCode.DeploymentProcessId, duplicate)).toThrow(HttpError);
    expect(server.sim.instance.get('deploymentprocesses', 'Spaces-1', viaCode.DeploymentProcessId).Version).toBe(1);
  });
});
