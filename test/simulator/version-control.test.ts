// Version-controlled (Config-as-Code) projects over real HTTP: conversion, the git-ref routes,
// the database routes refusing what lives in Git, persistence settings, Git credentials in use.
import { describe, expect, it } from 'vitest';
import { GitHost, startSimulator } from '../../src/simulator/index.js';
import { emptySimulatorForFile, simHttp } from '../support/sim-http.js';

const gitHost = new GitHost();
const server = emptySimulatorForFile({ gitHost });
const { http, created } = server;
let counter = 0;

const NOT_A_GIT_ROUTE = 'Received a request for a version-controlled resource on a non-version control route. To access this resource, include a Git ref in the route.';

function script(name: string) {
  return { Name: name, Properties: { 'Octopus.Action.TargetRoles': 'web' }, Actions: [{ Name: name, ActionType: 'Octopus.Script', Properties: { 'Octopus.Action.Script.ScriptBody': `echo ${name}` } }] };
}

async function credential(name: string, password = 'git-password-1') {
  return created('/api/Spaces-1/git-credentials', { Name: name, Details: { Type: 'UsernamePassword', Username: 'bot', Password: { HasValue: true, NewValue: password } } });
}

/** A database project with one step and a sensitive and a plain variable. */
async function databaseProject() {
  const project = await created('/api/Spaces-1/projects', { Name: `Project ${++counter}`, ProjectGroupId: 'ProjectGroups-1', LifecycleId: 'Lifecycles-1' });
  const processPath = `/api/Spaces-1/projects/${project.Id}/deploymentprocesses`;
  const process = (await http.get(processPath)).body;
  expect((await http.put(processPath, { ...process, Steps: [script('Deploy')] })).status).toBe(200);
  const variablesPath = `/api/Spaces-1/projects/${project.Id}/variables`;
  const set = (await http.get(variablesPath)).body;
  const variables = [
    { Name: 'Plain', Value: 'one', Type: 'String' },
    { Name: 'Secret', Value: 'sensitive-value-1', Type: 'Sensitive', IsSensitive: true },
  ];
  expect((await http.put(variablesPath, { ...set, Variables: variables })).status).toBe(200);
  return project;
}

function settings(url: string, credentials: Record<string, unknown> = { Type: 'Anonymous' }, extra: Record<string, unknown> = {}) {
  return { Type: 'VersionControlled', Url: url, BasePath: '.octopus', DefaultBranch: 'main', ProtectedBranchNamePatterns: [], Credentials: credentials, ...extra };
}

async function convert(projectId: string, url: string, credentials?: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return http.post(`/api/Spaces-1/projects/${projectId}/git/convert`, { ChangeDescription: 'Move to Git', VersionControlSettings: settings(url, credentials), ...extra });
}

describe('version-controlled projects', () => {
  it('convert once: the process and plain variables move to the default branch, the database keeps the sensitive ones', async () => {
    const project = await databaseProject();
    const cred = await credential(`Cred ${counter}`);
    const url = `https://git.example.com/shop-${counter}.git`;
    const converted = await convert(project.Id, url, { Type: 'Reference', Id: cred.Id });
    expect(converted.status, converted.text).toBe(200);
    const read = (await http.get(`/api/Spaces-1/projects/${project.Id}`)).body;
    expect(read.IsVersionControlled).toBe(true);
    expect(read.PersistenceSettings).toMatchObject({ Type: 'VersionControlled', Url: url, BasePath: '.octopus', DefaultBranch: 'main', Credentials: { Type: 'Reference', Id: cred.Id }, ConversionState: { VariablesAreInGit: true } });
    const gitProcess = await http.get(`/api/Spaces-1/projects/${project.Id}/main/deploymentprocesses`);
    expect(gitProcess.status).toBe(200);
    expect(gitProcess.body.Steps.map((s: { Name: string }) => s.Name)).toEqual(['Deploy']);
    expect((await http.get(`/api/Spaces-1/projects/${project.Id}/refs%2Fheads%2Fmain/deploymentprocesses`)).body.Steps).toHaveLength(1);
    const gitVariables = (await http.get(`/api/Spaces-1/projects/${project.Id}/main/variables`)).body;
    expect(gitVariables.Variables.map((v: { Name: string }) => v.Name)).toEqual(['Plain']);
    const dbVariables = (await http.get(`/api/Spaces-1/projects/${project.Id}/variables`)).body;
    expect(dbVariables.Variables.map((v: { Name: string }) => v.Name)).toEqual(['Secret']);
    const again = await convert(project.Id, url);
    expect(again.status).toBe(400);
    expect(again.text).toContain('already version-controlled');
  });

  it('refuse the database routes for what lives in Git, with the real server\'s words, and count nothing written', async () => {
    const project = await databaseProject();
    expect((await convert(project.Id, `https://git.example.com/refuse-${counter}.git`)).status).toBe(200);
    const processId = `deploymentprocess-${project.Id}`;
    for (const [method, path] of [
      ['GET', `/api/Spaces-1/projects/${project.Id}/deploymentprocesses`],
      ['PUT', `/api/Spaces-1/projects/${project.Id}/deploymentprocesses`],
      ['GET', `/api/Spaces-1/deploymentprocesses/${processId}`],
      ['PUT', `/api/Spaces-1/deploymentprocesses/${processId}`],
    ] as const) {
      const answer = await http.send(method, path, method === 'PUT' ? { Id: processId, Version: 0, Steps: [script('Sneaky')] } : undefined);
      expect(answer.status, `${method} ${path}`).toBe(400);
      expect(answer.body.Errors).toEqual([NOT_A_GIT_ROUTE]);
    }
    const space = (await http.get('/api/Spaces-1/deploymentprocesses?take=2147483647')).body.Items.map((p: { Id: string }) => p.Id);
    expect(space).not.toContain(processId);
    const set = (await http.get(`/api/Spaces-1/projects/${project.Id}/variables`)).body;
    const plain = await http.put(`/api/Spaces-1/projects/${project.Id}/variables`, { ...set, Variables: [...set.Variables, { Name: 'Plain', Value: 'two', Type: 'String' }] });
    expect(plain.status).toBe(400);
    expect(plain.text).toContain('stored in Git');
    // The Git process is unchanged by the refused writes.
    expect((await http.get(`/api/Spaces-1/projects/${project.Id}/main/deploymentprocesses`)).body.Steps.map((s: { Name: string }) => s.Name)).toEqual(['Deploy']);
  });

  it('write the process and variables at a branch as commits, refusing protected branches, commits and sensitive values', async () => {
    const project = await databaseProject();
    const url = `https://git.example.com/write-${counter}.git`;
    expect((await convert(project.Id, url)).status).toBe(200);
    const path = `/api/Spaces-1/projects/${project.Id}/main/deploymentprocesses`;
    const before = (await http.get(path)).body;
    const put = await http.put(path, { ...before, ChangeDescription: 'Add a step', Steps: [...before.Steps, script('Smoke test')] });
    expect(put.status, put.text).toBe(200);
    expect(put.body.Version).toBe(before.Version + 1);
    const stale = await http.put(path, { ...before, Steps: [] });
    expect(stale.status).toBe(400);
    const branches = (await http.get(`/api/Spaces-1/projects/${project.Id}/git/branches`)).body;
    expect(branches.Items.map((b: { Name: string }) => b.Name)).toEqual(['main']);
    const refs = (await http.get(`/api/Spaces-1/projects/${project.Id}/git/refs?patterns=ma*&skip=0&take=10`)).body;
    expect(refs).toMatchObject({ TotalCount: 1, References: [{ Name: 'main', CanonicalName: 'refs/heads/main' }] });
    const head = gitHost.repository(url).branches.get('main')!;
    expect((await http.get(`/api/Spaces-1/projects/${project.Id}/git/commits/${head}`)).body.Message).toBe('Add a step');
    // The commit before the change still has one step, read by its hash.
    const parent = gitHost.repository(url).commits.get(head)!.Parent!;
    expect((await http.get(`/api/Spaces-1/projects/${project.Id}/${parent}/deploymentprocesses`)).body.Steps).toHaveLength(1);
    expect((await http.put(`/api/Spaces-1/projects/${project.Id}/${parent}/deploymentprocesses`, { ...put.body, Steps: [] })).status).toBe(400);
    expect((await http.get(`/api/Spaces-1/projects/${project.Id}/nope/deploymentprocesses`)).status).toBe(404);
    const variablesPath = `/api/Spaces-1/projects/${project.Id}/main/variables`;
    const variables = (await http.get(variablesPath)).body;
    const sensitive = await http.put(variablesPath, { ...variables, Variables: [{ Name: 'Token', Value: 'x', Type: 'Sensitive', IsSensitive: true }] });
    expect(sensitive.status).toBe(400);
    const renamed = await http.put(variablesPath, { ...variables, Variables: [{ Name: 'Plain', Value: 'changed', Type: 'String' }] });
    expect(renamed.status, renamed.text).toBe(200);
    expect((await http.get(variablesPath)).body.Variables).toMatchObject([{ Name: 'Plain', Value: 'changed' }]);
    // Protect the default branch through the project's settings: then it takes no commits.
    const current = (await http.get(`/api/Spaces-1/projects/${project.Id}`)).body;
    const protectedSettings = { ...current.PersistenceSettings, ProtectedDefaultBranch: true };
    expect((await http.put(`/api/Spaces-1/projects/${project.Id}`, { ...current, PersistenceSettings: protectedSettings })).status).toBe(200);
    const refused = await http.put(path, { ...(await http.get(path)).body, Steps: [] });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('protected');
  });

  it('refuse git-ref routes of database projects, creating or PUTting a project into Git, and converting back', async () => {
    const project = await databaseProject();
    expect((await http.get(`/api/Spaces-1/projects/${project.Id}/main/deploymentprocesses`)).status).toBe(400);
    const url = `https://git.example.com/types-${counter}.git`;
    const create = await http.post('/api/Spaces-1/projects', { Name: `Born in Git ${counter}`, ProjectGroupId: 'ProjectGroups-1', LifecycleId: 'Lifecycles-1', PersistenceSettings: settings(url) });
    expect(create.status).toBe(400);
    const read = (await http.get(`/api/Spaces-1/projects/${project.Id}`)).body;
    expect((await http.put(`/api/Spaces-1/projects/${project.Id}`, { ...read, PersistenceSettings: settings(url) })).status).toBe(400);
    expect((await convert(project.Id, url)).status).toBe(200);
    const converted = (await http.get(`/api/Spaces-1/projects/${project.Id}`)).body;
    const back = await http.put(`/api/Spaces-1/projects/${project.Id}`, { ...converted, PersistenceSettings: { Type: 'Database' } });
    expect(back.status).toBe(400);
    expect(back.text).toContain('cannot be converted back');
    const settingsChange = await http.put(`/api/Spaces-1/projects/${project.Id}`, { ...converted, ReleaseNotesTemplate: 'changed' });
    expect(settingsChange.status).toBe(400);
    expect(settingsChange.text).toContain('/projects/{projectId}/{gitRef}/deploymentsettings');
    const moved = await http.put(`/api/Spaces-1/projects/${project.Id}`, { ...converted, PersistenceSettings: { ...converted.PersistenceSettings, DefaultBranch: 'release', BasePath: 'deploy' } });
    expect(moved.status, moved.text).toBe(200);
    expect(moved.body.PersistenceSettings).toMatchObject({ DefaultBranch: 'release', BasePath: 'deploy', ConversionState: { VariablesAreInGit: true } });
  });

  it('keep a username/password connection\'s password a secret, and refuse a credential reference that does not exist', async () => {
    const project = await databaseProject();
    const url = `https://git.example.com/secret-${counter}.git`;
    const missing = await convert(project.Id, url, { Type: 'Reference', Id: 'GitCredentials-999' });
    expect(missing.status).toBe(400);
    expect((await convert(project.Id, url, { Type: 'UsernamePassword', Username: 'bot', Password: { HasValue: true, NewValue: 'project-git-password' } })).status).toBe(200);
    const read = await http.get(`/api/Spaces-1/projects/${project.Id}`);
    expect(read.body.PersistenceSettings.Credentials).toEqual({ Type: 'UsernamePassword', Username: 'bot', Password: { HasValue: true, NewValue: null, Hint: null } });
    expect(read.text).not.toContain('project-git-password');
    expect(server.sim.instance.store.secretValues()).toContain('project-git-password');
    // A PUT sending the password back as {HasValue: true} keeps it.
    expect((await http.put(`/api/Spaces-1/projects/${project.Id}`, read.body)).status).toBe(200);
    expect(server.sim.instance.store.secretValues()).toContain('project-git-password');
  });

  it('adopt what a branch already holds when a project of another server converts onto it', async () => {
    const project = await databaseProject();
    const url = `https://git.example.com/shared-${counter}.git`;
    expect((await convert(project.Id, url)).status).toBe(200);
    const other = await startSimulator({ seed: 'empty', gitHost });
    try {
      const otherHttp = simHttp(other);
      const groups = (await otherHttp.get('/api/Spaces-1/projectgroups/all')).body;
      const lifecycles = (await otherHttp.get('/api/Spaces-1/lifecycles/all')).body;
      const copy = (await otherHttp.post('/api/Spaces-1/projects', { Name: 'Copy', ProjectGroupId: groups[0].Id, LifecycleId: lifecycles[0].Id })).body;
      const answer = await otherHttp.post(`/api/Spaces-1/projects/${copy.Id}/git/convert`, { ChangeDescription: 'Connect', VersionControlSettings: settings(url) });
      expect(answer.status, answer.text).toBe(200);
      expect((await otherHttp.get(`/api/Spaces-1/projects/${copy.Id}/main/deploymentprocesses`)).body.Steps.map((s: { Name: string }) => s.Name)).toEqual(['Deploy']);
    } finally {
      await other.close();
    }
  });

  it('git credentials: a password is required to create one, and one a project uses cannot be deleted', async () => {
    const noPassword = await http.post('/api/Spaces-1/git-credentials', { Name: `No password ${++counter}`, Details: { Type: 'UsernamePassword', Username: 'bot' } });
    expect(noPassword.status).toBe(400);
    const project = await databaseProject();
    const cred = await credential(`Used ${counter}`);
    expect((await convert(project.Id, `https://git.example.com/used-${counter}.git`, { Type: 'Reference', Id: cred.Id })).status).toBe(200);
    const deleted = await http.del(`/api/Spaces-1/git-credentials/${cred.Id}`);
    expect(deleted.status).toBe(400);
    expect(deleted.text).toContain(project.Name);
  });
});
