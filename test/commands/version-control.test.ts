// Version-controlled (Config-as-Code) projects end to end: two simulators sharing one Git host
// (as two real servers share GitHub), a real state repository. A project's Git-held parts are
// never written through database routes; a persistence mismatch is a plan problem with zero
// writes unless the overlay allows the one-way conversion; nothing is cleared because it lives
// elsewhere.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runApply } from '../../src/commands/apply.js';
import { preparePlan } from '../../src/commands/plan.js';
import { renderPlanText } from '../../src/core/render-plan.js';
import { listFiles, readFiles } from '../../src/repo/state-files.js';
import { GitHost, startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { writesByRoute } from '../support/destinations.js';
import { stateRepo } from '../support/gitops.js';
import type { StateRepo } from '../support/gitops.js';
import { defaultProjectFields, postCreated, simHttp } from '../support/sim-http.js';

const URL_SOURCE = 'https://git.example.com/petclinic/deploy.git';
const TOKEN = 'prod-git-token-0001';

let gitHost: GitHost;
let source: Simulator;
let destination: Simulator;
let repo: StateRepo;
const env = () => ({ DEST_KEY: destination.apiKey, GIT_TOKEN: TOKEN, CLINIC_DB_PASSWORD: 'prod-clinic-db-password' });

type Json = Record<string, unknown>;

const git = (dir: string, ...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } }).trim();

function script(name: string) {
  return { Name: name, Actions: [{ Name: name, ActionType: 'Octopus.Script', Properties: { 'Octopus.Action.RunOnServer': 'true', 'Octopus.Action.Script.ScriptBody': `echo ${name}` } }] };
}

/** A database project with settings, a one-step process and a plain and a sensitive variable. */
async function databaseProject(sim: Simulator, name: string, settings: Json = {}): Promise<Json> {
  const http = simHttp(sim);
  const project = (await postCreated(http, '/api/Spaces-1/projects', { Name: name, ...(await defaultProjectFields(http)), ...settings })) as Json;
  const processPath = `/api/Spaces-1/projects/${String(project.Id)}/deploymentprocesses`;
  expect((await http.put(processPath, { ...((await http.get(processPath)).body as Json), Steps: [script('Migrate database')] })).status).toBe(200);
  const variablesPath = `/api/Spaces-1/projects/${String(project.Id)}/variables`;
  const variables = [
    { Name: 'Clinic.Url', Value: 'https://clinic.example.com', Type: 'String' },
    { Name: 'Clinic.DbPassword', Value: 'source-db-password', Type: 'Sensitive', IsSensitive: true },
  ];
  expect((await http.put(variablesPath, { ...((await http.get(variablesPath)).body as Json), Variables: variables })).status).toBe(200);
  return project;
}

async function convert(sim: Simulator, project: Json, credentialId: string, url = URL_SOURCE): Promise<void> {
  const answer = await simHttp(sim).post(`/api/Spaces-1/projects/${String(project.Id)}/git/convert`, {
    ChangeDescription: 'Keep the configuration in Git',
    VersionControlSettings: { Type: 'VersionControlled', Url: url, BasePath: '.octopus', DefaultBranch: 'main', ProtectedBranchNamePatterns: [], Credentials: { Type: 'Reference', Id: credentialId } },
  });
  expect(answer.status, answer.text).toBe(200);
}

async function credential(sim: Simulator, password: string): Promise<Json> {
  return (await postCreated(simHttp(sim), '/api/Spaces-1/git-credentials', {
    Name: 'GitHub deploy bot',
    Details: { Type: 'UsernamePassword', Username: 'petclinic-bot', Password: { HasValue: true, NewValue: password } },
  })) as Json;
}

async function projectNamed(sim: Simulator, name: string): Promise<Json> {
  const all = (await simHttp(sim).get('/api/Spaces-1/projects/all')).body as Json[];
  const found = all.find((project) => project.Name === name);
  if (!found) throw new Error(`no project ${name}`);
  return found;
}

async function destinationFile(overlays: Json = {}): Promise<void> {
  await repo.writeDestination('production', {
    server: destination.url,
    apiKey: { env: 'DEST_KEY' },
    branch: 'source',
    overlays: {
      secrets: { 'git-credentials/GitHub deploy bot': { 'Details.Password': { valueFrom: { env: 'GIT_TOKEN' } } } },
      // The project's sensitive variable stays in the database: octosync sets it.
      variables: { projects: { 'Pet Clinic': [{ name: 'Clinic.DbPassword', value: { valueFrom: { env: 'CLINIC_DB_PASSWORD' } } }] } },
      ...overlays,
    },
  });
}

/** Writes the destination answered, without the reads. */
function writeCount(sim: Simulator): number {
  return Object.values(writesByRoute(sim)).reduce((sum, n) => sum + n, 0);
}

beforeEach(async () => {
  gitHost = new GitHost();
  source = await startSimulator({ seed: 'empty', gitHost });
  destination = await startSimulator({ seed: 'empty', gitHost });
  repo = await stateRepo();
  const sourceCredential = await credential(source, 'source-git-token');
  await convert(source, await databaseProject(source, 'Pet Clinic'), String(sourceCredential.Id));
});

afterEach(async () => {
  await source.close();
  await destination.close();
  await repo.cleanup();
});

describe('version-controlled projects', () => {
  it('snapshot the Git connection with the credential by name, and no process or plain variables from the database (only its sensitive ones)', async () => {
    await repo.snapshot(source);
    const files = await listFiles(repo.dir);
    const project = (await readFiles(repo.dir, ['spaces/default/projects/pet-clinic/project.yaml'])).get('spaces/default/projects/pet-clinic/project.yaml') ?? '';
    expect(project).toContain('Url: https://git.example.com/petclinic/deploy.git');
    expect(project).toContain('GitCredential: GitHub deploy bot');
    expect(project).not.toMatch(/GitCredentials-\d+|ConversionState/);
    expect(files).toContain('spaces/default/git-credentials/github-deploy-bot.yaml');
    expect(files.filter((file) => file.includes('pet-clinic/'))).toEqual(['spaces/default/projects/pet-clinic/channels.yaml', 'spaces/default/projects/pet-clinic/project.yaml', 'spaces/default/projects/pet-clinic/variables.yaml']);
    const variables = (await readFiles(repo.dir, ['spaces/default/projects/pet-clinic/variables.yaml'])).get('spaces/default/projects/pet-clinic/variables.yaml') ?? '';
    expect(variables).toContain('Name: Clinic.DbPassword');
    expect(variables).not.toContain('Clinic.Url');
  });

  it("a database project in the destination is a plan problem, and apply writes nothing and clears none of its settings", async () => {
    const settings = { ReleaseNotesTemplate: 'Release #{Octopus.Release.Number}', DefaultGuidedFailureMode: 'On', DefaultToSkipIfAlreadyInstalled: true };
    await credential(destination, 'destination-own-token');
    await databaseProject(destination, 'Pet Clinic', settings);
    await repo.snapshot(source);
    await destinationFile();
    const prepared = await preparePlan({ repo: repo.dir, destination: 'production', env: env() });
    await prepared.client.close();
    expect(prepared.plan.problems).toEqual([
      expect.objectContaining({ where: "project 'Pet Clinic' (projects/pet-clinic/project.yaml) PersistenceSettings", message: expect.stringContaining('overlays.versionControl.Pet Clinic.convert: true') }),
    ]);
    destination.knobs.resetCounts();
    await expect(runApply({ repo: repo.dir, destination: 'production', env: env() })).rejects.toThrow(/PersistenceSettings/);
    expect(writesByRoute(destination)).toEqual({});
    expect(await projectNamed(destination, 'Pet Clinic')).toMatchObject({ ...settings, IsVersionControlled: false });
  });

  it('converts a database project once when the overlay allows it, then writes nothing', async () => {
    await credential(destination, 'destination-own-token');
    await databaseProject(destination, 'Pet Clinic', { ReleaseNotesTemplate: 'Kept' });
    await repo.snapshot(source);
    await destinationFile({ versionControl: { 'Pet Clinic': { convert: true } } });
    const prepared = await preparePlan({ repo: repo.dir, destination: 'production', env: env() });
    await prepared.client.close();
    expect(prepared.plan.problems).toEqual([]);
    expect(prepared.plan.notices.join('\n')).toContain("project 'Pet Clinic' is converted to version control in the destination (one-way)");
    destination.knobs.resetCounts();
    expect((await runApply({ repo: repo.dir, destination: 'production', env: env() })).result).toBe('success');
    expect(writesByRoute(destination)['POST /api/:spaceId/projects/:projectId/git/convert']).toBe(1);
    const converted = await projectNamed(destination, 'Pet Clinic');
    // Nothing the repository leaves to Git was cleared on the way.
    expect(converted).toMatchObject({ IsVersionControlled: true, ReleaseNotesTemplate: 'Kept', PersistenceSettings: { Url: URL_SOURCE, DefaultBranch: 'main' } });
    destination.knobs.resetCounts();
    expect((await runApply({ repo: repo.dir, destination: 'production', env: env() })).result).toBe('no-changes');
    expect(writeCount(destination)).toBe(0);
  });

  it("takes the conversion from the space's own overlays when the destination gives the space some", async () => {
    await credential(destination, 'destination-own-token');
    await databaseProject(destination, 'Pet Clinic');
    await repo.snapshot(source);
    await repo.writeDestination('production', {
      server: destination.url,
      apiKey: { env: 'DEST_KEY' },
      branch: 'source',
      overlays: {},
      spaceOverlays: {
        Default: {
          secrets: { 'git-credentials/GitHub deploy bot': { 'Details.Password': { valueFrom: { env: 'GIT_TOKEN' } } } },
          variables: { projects: { 'Pet Clinic': [{ name: 'Clinic.DbPassword', value: { valueFrom: { env: 'CLINIC_DB_PASSWORD' } } }] } },
          versionControl: { 'Pet Clinic': { convert: true } },
        },
      },
    });
    expect((await runApply({ repo: repo.dir, destination: 'production', env: env() })).result).toBe('success');
    expect(await projectNamed(destination, 'Pet Clinic')).toMatchObject({ IsVersionControlled: true });
  });

  it('a version-controlled project in the destination against a database one in the repository is a plan problem with zero writes, even with conversion allowed', async () => {
    // The source's project is a database one here; the destination's is in Git.
    await simHttp(source).del(`/api/Spaces-1/projects/${String((await projectNamed(source, 'Pet Clinic')).Id)}`);
    await databaseProject(source, 'Pet Clinic');
    const destinationCredential = await credential(destination, 'destination-own-token');
    await convert(destination, await databaseProject(destination, 'Pet Clinic'), String(destinationCredential.Id), 'https://git.example.com/petclinic/other.git');
    await repo.snapshot(source);
    await destinationFile({ versionControl: {} });
    destination.knobs.resetCounts();
    await expect(runApply({ repo: repo.dir, destination: 'production', env: env() })).rejects.toThrow(/cannot be converted back to the database/);
    expect(writesByRoute(destination)).toEqual({});
  });

  it('creates a version-controlled project in an empty destination: its credential by name with the overlay password, its process from Git, never through a database route', async () => {
    await repo.snapshot(source);
    await destinationFile();
    const prepared = await preparePlan({ repo: repo.dir, destination: 'production', env: env() });
    await prepared.client.close();
    expect(prepared.plan.problems).toEqual([]);
    const text = renderPlanText(prepared.plan);
    expect(text).toContain('version-controlled projects (Pet Clinic): their deployment process, deployment settings and non-sensitive variables live in their Git repositories and are not managed by octosync');
    expect(text).not.toContain(TOKEN);
    destination.knobs.resetCounts();
    expect((await runApply({ repo: repo.dir, destination: 'production', env: env() })).result).toBe('success');
    const writes = writesByRoute(destination);
    expect(Object.keys(writes).filter((route) => /deploymentprocesses|:gitRef/.test(route))).toEqual([]);
    // Its sensitive variable, which the database keeps, goes through the database route.
    expect(writes['PUT /api/:spaceId/variables/:id']).toBe(1);
    expect(writes['POST /api/:spaceId/projects/:projectId/git/convert']).toBe(1);

    const project = await projectNamed(destination, 'Pet Clinic');
    const credentials = (await simHttp(destination).get('/api/Spaces-1/git-credentials')).body.Items as Json[];
    expect(credentials.map((c) => c.Name)).toEqual(['GitHub deploy bot']);
    expect(project.PersistenceSettings).toMatchObject({ Type: 'VersionControlled', Url: URL_SOURCE, Credentials: { Type: 'Reference', Id: credentials[0]?.Id } });
    expect(destination.instance.store.secretValues().sort()).toEqual(['prod-clinic-db-password', TOKEN]);
    // The project reads its process from the repository the source committed it to.
    const process = (await simHttp(destination).get(`/api/Spaces-1/projects/${String(project.Id)}/main/deploymentprocesses`)).body as Json;
    expect((process.Steps as Json[]).map((step) => step.Name)).toEqual(['Migrate database']);
    // The password is in no file of the state repository.
    const files = await readFiles(repo.dir, await listFiles(repo.dir));
    expect([...files.values()].some((text) => text.includes(TOKEN) || text.includes('source-git-token'))).toBe(false);

    destination.knobs.resetCounts();
    const again = await runApply({ repo: repo.dir, destination: 'production', env: env() });
    expect(again.result).toBe('no-changes');
    expect(writeCount(destination)).toBe(0);
  });

  it('converts a project it created on the next apply when the first stopped before converting it, and a fresh clone plans the same', async () => {
    // A new project is created in the database, then converted: two writes. An apply that fails
    // between them leaves a database project the overlay was never asked to allow converting.
    const origin = await mkdtemp(path.join(tmpdir(), 'octosync-origin-'));
    try {
      git(origin, 'init', '--quiet', '--bare');
      await repo.snapshot(source);
      await destinationFile();
      git(repo.dir, 'remote', 'add', 'origin', origin);
      git(repo.dir, 'push', '--quiet', 'origin', 'source');
      destination.knobs.addFault({ method: 'POST', path: '/git/convert', status: 500, times: 1 });
      await expect(runApply({ repo: repo.dir, destination: 'production', env: env() })).rejects.toThrow(/git\/convert/);
      expect(await projectNamed(destination, 'Pet Clinic')).toMatchObject({ IsVersionControlled: false });
      // Named before the first write (an apply killed between the two writes leaves it so), and after.
      const record = (rev: string) => JSON.parse(git(repo.dir, 'show', `refs/octosync/applied/production${rev}:applied.json`)) as Json;
      expect(record('~1')).toMatchObject({ inProgress: true, converting: ['default/projects/pet clinic'] });
      expect(record('')).toMatchObject({ converting: ['default/projects/pet clinic'] });

      const here = await preparePlan({ repo: repo.dir, destination: 'production', env: env() });
      await here.client.close();
      expect(here.plan.problems).toEqual([]);
      expect(here.plan.notices.join('\n')).toContain("project 'Pet Clinic' was created by an earlier apply that stopped before converting it to version control: it is converted now");
      // A plan made in a fresh clone reads the same record of what was applied, so it agrees.
      const clone = await mkdtemp(path.join(tmpdir(), 'octosync-ci-'));
      try {
        git(clone, 'clone', '--quiet', origin, '.');
        git(clone, 'checkout', '--quiet', 'source');
        const there = await preparePlan({ repo: clone, destination: 'production', env: env() });
        await there.client.close();
        expect(there.plan.problems).toEqual([]);
        expect(there.plan.changes).toEqual(here.plan.changes);
      } finally {
        await rm(clone, { recursive: true, force: true });
      }

      destination.knobs.resetCounts();
      expect((await runApply({ repo: repo.dir, destination: 'production', env: env() })).result).toBe('success');
      expect(writesByRoute(destination)['POST /api/:spaceId/projects/:projectId/git/convert']).toBe(1);
      expect(await projectNamed(destination, 'Pet Clinic')).toMatchObject({ IsVersionControlled: true, PersistenceSettings: { Url: URL_SOURCE } });
      expect(record('')).not.toHaveProperty('converting');
      destination.knobs.resetCounts();
      expect((await runApply({ repo: repo.dir, destination: 'production', env: env() })).result).toBe('no-changes');
      expect(writeCount(destination)).toBe(0);
    } finally {
      await rm(origin, { recursive: true, force: true });
    }
  });

  it('still refuses to convert a database project it did not create, after one it did was converted', async () => {
    await repo.snapshot(source);
    await destinationFile();
    destination.knobs.addFault({ method: 'POST', path: '/git/convert', status: 500, times: 1 });
    await expect(runApply({ repo: repo.dir, destination: 'production', env: env() })).rejects.toThrow(/git\/convert/);
    expect((await runApply({ repo: repo.dir, destination: 'production', env: env() })).result).toBe('success');
    // Someone replaces the project by a database one of the same name, by hand.
    await simHttp(destination).del(`/api/Spaces-1/projects/${String((await projectNamed(destination, 'Pet Clinic')).Id)}`);
    await databaseProject(destination, 'Pet Clinic');
    destination.knobs.resetCounts();
    await expect(runApply({ repo: repo.dir, destination: 'production', env: env() })).rejects.toThrow(/overlays\.versionControl\.Pet Clinic\.convert: true/);
    expect(writesByRoute(destination)).toEqual({});
  });

  it('points the destination project at the repository and branch its overlay names', async () => {
    await repo.snapshot(source);
    await destinationFile({ versionControl: { 'Pet Clinic': { url: 'https://git.example.com/petclinic/prod.git', defaultBranch: 'production' } } });
    expect((await runApply({ repo: repo.dir, destination: 'production', env: env() })).result).toBe('success');
    expect((await projectNamed(destination, 'Pet Clinic')).PersistenceSettings).toMatchObject({ Url: 'https://git.example.com/petclinic/prod.git', DefaultBranch: 'production', BasePath: '.octopus' });
    destination.knobs.resetCounts();
    expect((await runApply({ repo: repo.dir, destination: 'production', env: env() })).result).toBe('no-changes');
    await destinationFile({ versionControl: { 'Web Shop': { defaultBranch: 'x' } } });
    await expect(runApply({ repo: repo.dir, destination: 'production', env: env() })).rejects.toThrow(/versionControl\.Web Shop.*not in the repository/);
  });

  it('snapshots the Git-held process and plain variables for review when octosync.yaml asks, and never applies them', async () => {
    await repo.commitFile('octosync.yaml', 'source:\n  server: http://source.example\nspaces: [Default]\nsnapshot:\n  gitHeldParts: true\n', 'config');
    await repo.snapshot(source);
    const held = await readFiles(repo.dir, ['spaces/default/projects/pet-clinic/git/deployment-process.yaml', 'spaces/default/projects/pet-clinic/git/variables.yaml']);
    expect(held.get('spaces/default/projects/pet-clinic/git/deployment-process.yaml')).toContain('echo Migrate database');
    const variables = held.get('spaces/default/projects/pet-clinic/git/variables.yaml') ?? '';
    expect(variables).toContain('Clinic.Url');
    expect(variables).not.toContain('Clinic.DbPassword');
    await destinationFile();
    destination.knobs.resetCounts();
    expect((await runApply({ repo: repo.dir, destination: 'production', env: env() })).result).toBe('success');
    expect(Object.keys(writesByRoute(destination)).filter((route) => /deploymentprocesses|:gitRef/.test(route))).toEqual([]);
  });
});
