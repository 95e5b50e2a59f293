// Runbooks stored in Git over real HTTP: the one-way migration of a version-controlled project's
// runbooks, the git-ref runbook and runbook-process routes (writes are commits), and the database
// routes refusing what lives in Git.
import { describe, expect, it } from 'vitest';
import { GitHost, startSimulator } from '../../src/simulator/index.js';
import { emptySimulatorForFile, simHttp } from '../support/sim-http.js';

const gitHost = new GitHost();
const server = emptySimulatorForFile({ gitHost });
const { http, created } = server;
let counter = 0;

const NOT_A_GIT_ROUTE = 'Received a request for a version-controlled resource on a non-version control route. To access this resource, include a Git ref in the route.';

type Json = Record<string, unknown>;

function script(name: string) {
  return { Name: name, Actions: [{ Name: name, ActionType: 'Octopus.Script', Properties: { 'Octopus.Action.RunOnServer': 'true', 'Octopus.Action.Script.ScriptBody': `echo ${name}` } }] };
}

/** A version-controlled project (runbooks still in the database) with one runbook and its process. */
async function projectWithRunbook(url = `https://git.example.com/runbooks-${++counter}.git`, settings: Json = {}) {
  const project = await created('/api/Spaces-1/projects', { Name: `Runbook project ${++counter}`, ProjectGroupId: 'ProjectGroups-1', LifecycleId: 'Lifecycles-1' });
  const environment = await created('/api/Spaces-1/environments', { Name: `Ops ${counter}` });
  const runbook = await created(`/api/Spaces-1/projects/${project.Id}/runbooks`, { Name: 'Restart clinic', EnvironmentScope: 'Specified', Environments: [environment.Id] });
  const processPath = `/api/Spaces-1/runbookProcesses/${runbook.RunbookProcessId}`;
  const process = (await http.get(processPath)).body;
  expect((await http.put(processPath, { ...process, Steps: [script('Restart')] })).status).toBe(200);
  const converted = await http.post(`/api/Spaces-1/projects/${project.Id}/git/convert`, {
    ChangeDescription: 'Move to Git',
    VersionControlSettings: { Type: 'VersionControlled', Url: url, BasePath: '.octopus', DefaultBranch: 'main', ProtectedBranchNamePatterns: [], Credentials: { Type: 'Anonymous' }, ...settings },
  });
  expect(converted.status, converted.text).toBe(200);
  return { project, runbook, environment };
}

async function migrate(projectId: string, body: Json = { Branch: 'main', CommitMessage: 'Runbooks to Git' }) {
  return http.post(`/api/Spaces-1/projects/${projectId}/git/migrate-runbooks`, { ProjectId: projectId, SpaceId: 'Spaces-1', ...body });
}

describe('runbooks stored in Git', () => {
  it('lists what a migration moves, then moves the runbooks to the branch once, leaving the database', async () => {
    const { project, runbook, environment } = await projectWithRunbook();
    const preview = await http.get(`/api/Spaces-1/projects/${project.Id}/git/migrate-runbooks`);
    expect(preview.body).toEqual({ DraftRunbooks: [{ RunbookId: runbook.Id, RunbookName: 'Restart clinic' }], PublishedRunbooks: [] });
    expect((await http.get(`/api/Spaces-1/projects/${project.Id}`)).body.PersistenceSettings.ConversionState).toEqual({ VariablesAreInGit: true, RunbooksAreInGit: false });

    const migrated = await migrate(project.Id);
    expect(migrated.status, migrated.text).toBe(200);
    expect(migrated.body).toMatchObject({ DraftRunbooks: [{ RunbookId: runbook.Id }], PublishedRunbooks: [] });
    expect((await http.get(`/api/Spaces-1/projects/${project.Id}`)).body.PersistenceSettings.ConversionState).toEqual({ VariablesAreInGit: true, RunbooksAreInGit: true });

    // In Git: its slug is its Id and its process's; environments read back as this server's ids.
    const listed = (await http.get(`/api/Spaces-1/projects/${project.Id}/main/runbooks`)).body;
    expect(listed.Items).toEqual([expect.objectContaining({ Id: 'restart-clinic', Name: 'Restart clinic', ProjectId: project.Id, RunbookProcessId: 'restart-clinic', Environments: [environment.Id], EnvironmentScope: 'Specified' })]);
    const process = (await http.get(`/api/Spaces-1/projects/${project.Id}/refs%2Fheads%2Fmain/runbookProcesses/restart-clinic`)).body;
    expect(process.Steps.map((step: Json) => step.Name)).toEqual(['Restart']);
    // The file names the environment by slug, as OCL does.
    const file = gitHost.repository(String((await http.get(`/api/Spaces-1/projects/${project.Id}`)).body.PersistenceSettings.Url)).resolve('main')?.commit.files['.octopus/runbooks/restart-clinic.ocl'] as Json;
    expect(file.Environments).toEqual([environment.Slug]);

    // Out of the database: no runbook nor process left; a second migration is refused.
    expect((await http.get(`/api/Spaces-1/runbooks/${runbook.Id}`)).status).toBe(404);
    expect((await http.get(`/api/Spaces-1/runbookProcesses/${runbook.RunbookProcessId}`)).status).toBe(404);
    expect((await http.get('/api/Spaces-1/runbooks/all')).body.filter((r: Json) => r.ProjectId === project.Id)).toEqual([]);
    const again = await migrate(project.Id);
    expect(again.status).toBe(400);
    expect(again.text).toContain('already stored in Git');
  });

  it('the database routes refuse the runbooks of a project that keeps them in Git, with the words of a real server', async () => {
    const { project } = await projectWithRunbook();
    expect((await migrate(project.Id)).status).toBe(200);
    for (const answer of [
      await http.get(`/api/Spaces-1/projects/${project.Id}/runbooks`),
      await http.post(`/api/Spaces-1/projects/${project.Id}/runbooks`, { Name: 'Sneaky' }),
      await http.post('/api/Spaces-1/runbooks', { Name: 'Sneaky', ProjectId: project.Id }),
      await http.get(`/api/Spaces-1/projects/${project.Id}/runbookProcesses`),
    ]) {
      expect(answer.status, answer.text).toBe(400);
      expect(answer.text).toContain(NOT_A_GIT_ROUTE);
    }
    // A project whose runbooks are still in the database has no git-ref runbooks.
    const { project: other } = await projectWithRunbook();
    const refused = await http.get(`/api/Spaces-1/projects/${other.Id}/main/runbooks`);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('stored in the database');
  });

  it('creates, updates, deletes runbooks and writes their processes at a branch, each a commit; validates as the database does', async () => {
    const { project } = await projectWithRunbook();
    expect((await migrate(project.Id)).status).toBe(200);
    const base = `/api/Spaces-1/projects/${project.Id}/main`;
    const made = await http.post(`${base}/runbooks/v2`, { Name: 'Purge cache', GitRef: 'main', ProjectId: project.Id, SpaceId: 'Spaces-1', ChangeDescription: 'Add a runbook' });
    expect(made.status, made.text).toBe(201);
    expect(made.body).toEqual({ GitRef: 'main', Id: 'purge-cache', Name: 'Purge cache', ProjectId: project.Id, Slug: 'purge-cache' });
    expect((await http.post(`${base}/runbooks/v2`, { Name: 'purge CACHE' })).text).toContain('already in use');
    expect((await http.post(`${base}/runbooks/v2`, { Name: 'Bad', EnvironmentScope: 'Somewhere' })).status).toBe(400);

    const read = (await http.get(`${base}/runbooks/purge-cache`)).body;
    const put = await http.put(`${base}/runbooks/purge-cache`, { ...read, Description: 'Clears the CDN.' });
    expect(put.status, put.text).toBe(200);
    expect((await http.get(`${base}/runbooks/purge-cache`)).body.Description).toBe('Clears the CDN.');

    const process = (await http.get(`${base}/runbookProcesses/purge-cache`)).body;
    expect(process).toMatchObject({ Id: 'purge-cache', RunbookId: 'purge-cache', Version: 0, Steps: [] });
    const written = await http.put(`${base}/runbookProcesses/purge-cache`, { ...process, Steps: [script('Purge')] });
    expect(written.status, written.text).toBe(200);
    expect(written.body.Version).toBe(1);
    // A stale Version is refused, as the database's runbook processes are.
    expect((await http.put(`${base}/runbookProcesses/purge-cache`, { ...process, Steps: [] })).status).toBe(400);

    const head = (await http.get(`/api/Spaces-1/projects/${project.Id}/git/branches/main`)).body;
    expect(head.LastModifiedOn).toBeTruthy();
    expect((await http.del(`${base}/runbooks/purge-cache`)).status).toBe(200);
    expect((await http.get(`${base}/runbooks`)).body.Items.map((r: Json) => r.Id)).toEqual(['restart-clinic']);
    expect((await http.get(`${base}/runbooks/purge-cache`)).status).toBe(404);
  });

  it('migration needs a branch and a message when there is something to move, and refuses a protected branch or a database project', async () => {
    const { project } = await projectWithRunbook(undefined, { ProtectedBranchNamePatterns: ['release/*'] });
    const missing = await migrate(project.Id, {});
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('The Branch field is required');
    expect((await migrate(project.Id, { Branch: 'release/1', CommitMessage: 'x', CreateBranch: true })).text).toContain('protected');
    expect((await migrate(project.Id, { Branch: 'feature', CommitMessage: 'x' })).text).toContain('does not exist');
    const onBranch = await migrate(project.Id, { Branch: 'ops-runbooks', CommitMessage: 'Runbooks to Git', CreateBranch: true });
    expect(onBranch.status, onBranch.text).toBe(200);
    expect((await http.get(`/api/Spaces-1/projects/${project.Id}/ops-runbooks/runbooks`)).body.Items.map((r: Json) => r.Id)).toEqual(['restart-clinic']);
    expect((await http.get(`/api/Spaces-1/projects/${project.Id}/main/runbooks`)).body.Items).toEqual([]);

    const database = await created('/api/Spaces-1/projects', { Name: `Database ${++counter}`, ProjectGroupId: 'ProjectGroups-1', LifecycleId: 'Lifecycles-1' });
    expect((await migrate(database.Id)).text).toContain('not version controlled');
  });

  it('another server reading the same repository sees the runbooks with its own environment ids', async () => {
    const url = `https://git.example.com/shared-${++counter}.git`;
    const { project, environment } = await projectWithRunbook(url);
    expect((await migrate(project.Id)).status).toBe(200);
    const other = await startSimulator({ seed: 'empty', gitHost, idOffset: 5000 });
    try {
      const otherHttp = simHttp(other);
      const env = (await otherHttp.post('/api/Spaces-1/environments', { Name: environment.Name })).body;
      const groups = (await otherHttp.get('/api/Spaces-1/projectgroups/all')).body;
      const lifecycles = (await otherHttp.get('/api/Spaces-1/lifecycles/all')).body;
      const mirror = (await otherHttp.post('/api/Spaces-1/projects', { Name: 'Mirror', ProjectGroupId: groups[0].Id, LifecycleId: lifecycles[0].Id })).body;
      const settings = { Type: 'VersionControlled', Url: url, BasePath: '.octopus', DefaultBranch: 'main', Credentials: { Type: 'Anonymous' } };
      expect((await otherHttp.post(`/api/Spaces-1/projects/${mirror.Id}/git/convert`, { ChangeDescription: 'Git', VersionControlSettings: settings })).status).toBe(200);
      expect((await otherHttp.post(`/api/Spaces-1/projects/${mirror.Id}/git/migrate-runbooks`, {})).status).toBe(200);
      const listed = (await otherHttp.get(`/api/Spaces-1/projects/${mirror.Id}/main/runbooks`)).body.Items;
      expect(listed).toEqual([expect.objectContaining({ Name: 'Restart clinic', Environments: [env.Id] })]);
      expect(env.Id).not.toBe(environment.Id);
    } finally {
      await other.close();
    }
  });
});
