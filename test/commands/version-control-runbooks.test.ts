// Runbooks of version-controlled projects stored in Git, end to end: two simulators sharing one
// Git host (as two real servers share GitHub), a real state repository. Such runbooks are never
// read nor written through database routes, never deleted because the database does not list
// them; a destination whose project keeps its runbooks elsewhere is a plan problem with zero
// writes unless its overlay allows the one-way migration.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runApply } from '../../src/commands/apply.js';
import { preparePlan } from '../../src/commands/plan.js';
import { renderPlanText } from '../../src/core/render-plan.js';
import { listFiles, readFiles } from '../../src/repo/state-files.js';
import { runValidate } from '../../src/commands/validate.js';
import { GitHost, startSimulator } from '../../src/simulator/index.js';
import { SAMPLE_CERTIFICATE_PEM } from '../../src/simulator/seeds/sample-certificate.js';
import type { Simulator } from '../../src/simulator/index.js';
import { createAccounts, writesByRoute } from '../support/destinations.js';
import { stateRepo } from '../support/gitops.js';
import type { StateRepo } from '../support/gitops.js';
import { defaultProjectFields, postCreated, simHttp } from '../support/sim-http.js';

const URL = 'https://git.example.com/petclinic/deploy.git';
const TOKEN = 'prod-git-token-0002';
const GIT_HELD = 'source:\n  server: http://source.example\nspaces: [Default]\nsnapshot:\n  gitHeldParts: true\n';

type Json = Record<string, unknown>;

let gitHost: GitHost;
let source: Simulator;
let destination: Simulator;
let repo: StateRepo;
const env = () => ({ DEST_KEY: destination.apiKey, GIT_TOKEN: TOKEN });

function script(name: string) {
  return { Name: name, Actions: [{ Name: name, ActionType: 'Octopus.Script', Properties: { 'Octopus.Action.RunOnServer': 'true', 'Octopus.Action.Script.ScriptBody': `echo ${name}` } }] };
}

/** A version-controlled project with a runbook in the database ('Restart clinic', scoped to Production). */
async function clinic(sim: Simulator, url = URL): Promise<Json> {
  const http = simHttp(sim);
  const credential = (await postCreated(http, '/api/Spaces-1/git-credentials', {
    Name: 'GitHub deploy bot',
    Details: { Type: 'UsernamePassword', Username: 'petclinic-bot', Password: { HasValue: true, NewValue: `${sim.url}-token` } },
  })) as Json;
  const production = (await postCreated(http, '/api/Spaces-1/environments', { Name: 'Production' })) as Json;
  const project = (await postCreated(http, '/api/Spaces-1/projects', { Name: 'Pet Clinic', ...(await defaultProjectFields(http)) })) as Json;
  const runbook = (await postCreated(http, `/api/Spaces-1/projects/${String(project.Id)}/runbooks`, { Name: 'Restart clinic', EnvironmentScope: 'Specified', Environments: [production.Id] })) as Json;
  const processPath = `/api/Spaces-1/runbookProcesses/${String(runbook.RunbookProcessId)}`;
  expect((await http.put(processPath, { ...((await http.get(processPath)).body as Json), Steps: [script('Restart service')] })).status).toBe(200);
  const converted = await http.post(`/api/Spaces-1/projects/${String(project.Id)}/git/convert`, {
    ChangeDescription: 'Keep the configuration in Git',
    VersionControlSettings: { Type: 'VersionControlled', Url: url, BasePath: '.octopus', DefaultBranch: 'main', ProtectedBranchNamePatterns: [], Credentials: { Type: 'Reference', Id: credential.Id } },
  });
  expect(converted.status, converted.text).toBe(200);
  return project;
}

async function migrate(sim: Simulator, name = 'Pet Clinic'): Promise<void> {
  const project = await projectNamed(sim, name);
  const answer = await simHttp(sim).post(`/api/Spaces-1/projects/${String(project.Id)}/git/migrate-runbooks`, { Branch: 'main', CommitMessage: 'Runbooks to Git' });
  expect(answer.status, answer.text).toBe(200);
}

async function projectNamed(sim: Simulator, name: string): Promise<Json> {
  const found = ((await simHttp(sim).get('/api/Spaces-1/projects/all')).body as Json[]).find((project) => project.Name === name);
  if (!found) throw new Error(`no project ${name}`);
  return found;
}

async function gitRunbookNames(sim: Simulator): Promise<string[]> {
  const project = await projectNamed(sim, 'Pet Clinic');
  const answer = await simHttp(sim).get(`/api/Spaces-1/projects/${String(project.Id)}/main/runbooks`);
  expect(answer.status, answer.text).toBe(200);
  return (answer.body.Items as Json[]).map((runbook) => String(runbook.Name));
}

async function destinationFile(versionControl: Json = {}): Promise<void> {
  await repo.writeDestination('production', {
    server: destination.url,
    apiKey: { env: 'DEST_KEY' },
    branch: 'source',
    overlays: { secrets: { 'git-credentials/GitHub deploy bot': { 'Details.Password': { valueFrom: { env: 'GIT_TOKEN' } } } }, versionControl },
  });
}

/** Writes through the database's runbook routes, and every write, since the last reset. */
function runbookDatabaseWrites(sim: Simulator): Record<string, number> {
  return Object.fromEntries(Object.entries(writesByRoute(sim)).filter(([route]) => /\/runbooks|\/runbookProcesses/i.test(route) && !route.includes(':gitRef')));
}

function writeCount(sim: Simulator): number {
  return Object.values(writesByRoute(sim)).reduce((sum, n) => sum + n, 0);
}

async function plan() {
  const prepared = await preparePlan({ repo: repo.dir, destination: 'production', env: env() });
  await prepared.client.close();
  return prepared.plan;
}

beforeEach(async () => {
  gitHost = new GitHost();
  source = await startSimulator({ seed: 'empty', gitHost });
  destination = await startSimulator({ seed: 'empty', gitHost });
  repo = await stateRepo();
});

afterEach(async () => {
  await source.close();
  await destination.close();
  await repo.cleanup();
});

describe('runbooks stored in Git', () => {
  it('an empty destination gets the project with its runbooks in Git, read from the repository, never through a database route; re-apply writes nothing', async () => {
    await clinic(source);
    await migrate(source);
    await simHttp(destination).post('/api/Spaces-1/environments', { Name: 'Production' });
    await repo.commitFile('octosync.yaml', GIT_HELD, 'config');
    await repo.snapshot(source);
    const files = await listFiles(repo.dir);
    expect(files.filter((file) => file.includes('pet-clinic/'))).toEqual([
      'spaces/default/projects/pet-clinic/channels.yaml',
      'spaces/default/projects/pet-clinic/git/deployment-process.yaml',
      'spaces/default/projects/pet-clinic/git/runbooks/restart-clinic.yaml',
      'spaces/default/projects/pet-clinic/git/variables.yaml',
      'spaces/default/projects/pet-clinic/project.yaml',
      'spaces/default/projects/pet-clinic/variables.yaml',
    ]);
    const held = (await readFiles(repo.dir, ['spaces/default/projects/pet-clinic/git/runbooks/restart-clinic.yaml'])).get('spaces/default/projects/pet-clinic/git/runbooks/restart-clinic.yaml') ?? '';
    expect(held).toContain('echo Restart service');
    expect(held).toMatch(/Environments:\n\s+- Production/);
    expect((await readFiles(repo.dir, ['spaces/default/projects/pet-clinic/project.yaml'])).get('spaces/default/projects/pet-clinic/project.yaml')).toMatch(/ConversionState:\n\s+RunbooksAreInGit: true/);
    // What is kept for review is no document: validate passes and nothing applies it.
    expect((await runValidate({ repo: repo.dir })).errors).toEqual([]);

    await destinationFile();
    const planned = await plan();
    expect(planned.problems).toEqual([]);
    expect(renderPlanText(planned)).toContain('projects with runbooks in Git (Pet Clinic): their runbooks live in their Git repositories and are not managed by octosync');
    destination.knobs.resetCounts();
    expect((await runApply({ repo: repo.dir, destination: 'production', env: env() })).result).toBe('success');
    expect(runbookDatabaseWrites(destination)).toEqual({});
    expect(writesByRoute(destination)['POST /api/:spaceId/projects/:projectId/git/migrate-runbooks']).toBe(1);
    expect((await projectNamed(destination, 'Pet Clinic')).PersistenceSettings).toMatchObject({ ConversionState: { RunbooksAreInGit: true } });
    expect(await gitRunbookNames(destination)).toEqual(['Restart clinic']);

    // The destination snapshots as the source did.
    const other = await stateRepo();
    try {
      await other.commitFile('octosync.yaml', GIT_HELD, 'config');
      await other.snapshot(destination);
      const pick = (all: string[]) => all.filter((file) => file.startsWith('spaces/default/projects/pet-clinic/'));
      const want = await readFiles(repo.dir, pick(await listFiles(repo.dir)));
      const got = await readFiles(other.dir, pick(await listFiles(other.dir)));
      expect(got).toEqual(want);
    } finally {
      await other.cleanup();
    }

    destination.knobs.resetCounts();
    expect((await runApply({ repo: repo.dir, destination: 'production', env: env() })).result).toBe('no-changes');
    expect(writeCount(destination)).toBe(0);
  }, 120_000);

  it('runbooks moved to Git at the source are never deleted from the destination: a plan problem with zero writes, then one migration when the overlay allows it', async () => {
    await clinic(source);
    await simHttp(destination).post('/api/Spaces-1/environments', { Name: 'Production' });
    await repo.snapshot(source);
    // The destination's project uses a repository of its own, so the migration's commit shows.
    await destinationFile({ 'Pet Clinic': { url: 'https://git.example.com/petclinic/production.git' } });
    // First synced while the runbook was in the database: octosync created and manages it.
    expect((await runApply({ repo: repo.dir, destination: 'production', env: env() })).result).toBe('success');
    const destinationProject = await projectNamed(destination, 'Pet Clinic');
    expect(((await simHttp(destination).get(`/api/Spaces-1/projects/${String(destinationProject.Id)}/runbooks`)).body.Items as Json[]).map((r) => r.Name)).toEqual(['Restart clinic']);

    await migrate(source);
    await repo.snapshot(source);
    await destinationFile({ 'Pet Clinic': { url: 'https://git.example.com/petclinic/production.git' } });
    const refused = await plan();
    expect(refused.problems).toEqual([
      expect.objectContaining({
        where: "project 'Pet Clinic' (projects/pet-clinic/project.yaml) PersistenceSettings.ConversionState.RunbooksAreInGit",
        message: expect.stringContaining('overlays.versionControl.Pet Clinic.runbooksInGit: true'),
      }),
    ]);
    // The runbook the repository no longer lists is not planned for deletion.
    expect(refused.changes.filter((change) => change.kind === 'runbooks')).toEqual([]);
    destination.knobs.resetCounts();
    await expect(runApply({ repo: repo.dir, destination: 'production', env: env() })).rejects.toThrow(/RunbooksAreInGit/);
    expect(writesByRoute(destination)).toEqual({});

    await destinationFile({ 'Pet Clinic': { url: 'https://git.example.com/petclinic/production.git', runbooksInGit: true } });
    const allowed = await plan();
    expect(allowed.problems).toEqual([]);
    expect(allowed.notices.join('\n')).toContain("the runbooks of project 'Pet Clinic' are moved to its Git repository in the destination (one-way)");
    destination.knobs.resetCounts();
    expect((await runApply({ repo: repo.dir, destination: 'production', env: env() })).result).toBe('success');
    expect(writesByRoute(destination)).toEqual({ 'POST /api/:spaceId/projects/:projectId/git/migrate-runbooks': 1 });
    // Moved, not lost: the destination's runbook is in its own repository now.
    expect(await gitRunbookNames(destination)).toEqual(['Restart clinic']);
    expect(gitHost.repository('https://git.example.com/petclinic/production.git').resolve('main')?.commit.files['.octopus/runbooks/restart-clinic.ocl']).toBeDefined();

    destination.knobs.resetCounts();
    expect((await runApply({ repo: repo.dir, destination: 'production', env: env() })).result).toBe('no-changes');
    expect(writeCount(destination)).toBe(0);
  }, 120_000);

  it("a destination whose runbooks are in Git against a repository keeping them in the database is a plan problem with zero writes, even with the migration allowed", async () => {
    await clinic(source);
    await clinic(destination, 'https://git.example.com/petclinic/other.git');
    await migrate(destination);
    await repo.snapshot(source);
    await destinationFile({ 'Pet Clinic': {} });
    destination.knobs.resetCounts();
    await expect(runApply({ repo: repo.dir, destination: 'production', env: env() })).rejects.toThrow(/runbooks cannot move back to the database/);
    expect(writesByRoute(destination)).toEqual({});
  });

  it('an overlay asking to move the runbooks of a project whose repository keeps them in the database is an error naming the setting', async () => {
    await clinic(source);
    await repo.snapshot(source);
    await destinationFile({ 'Pet Clinic': { runbooksInGit: true } });
    const planned = await plan();
    expect(planned.problems).toEqual([expect.objectContaining({ where: expect.stringContaining('overlay versionControl.Pet Clinic.runbooksInGit'), message: expect.stringContaining('nothing to move to Git') })]);
  });
});

describe('the sample', () => {
  it('round-trips its version-controlled project with its runbook in Git, with no write through a database runbook route for it', async () => {
    await source.close();
    source = await startSimulator({ seed: 'sample', gitHost });
    const target = await startSimulator({ seed: 'empty', gitHost });
    try {
      await createAccounts(source, target);
      await repo.commitFile('octosync.yaml', GIT_HELD, 'config');
      await repo.snapshot(source);
      const clinicFiles = (await listFiles(repo.dir)).filter((file) => file.startsWith('spaces/default/projects/pet-clinic/'));
      expect(clinicFiles).toContain('spaces/default/projects/pet-clinic/git/runbooks/restart-clinic.yaml');
      expect(clinicFiles.filter((file) => file.includes('/runbooks/') && !file.includes('/git/'))).toEqual([]);
      // Only the clinic: the rest of the sample is another test's.
      await repo.writeDestination('production', {
        server: target.url,
        apiKey: { env: 'DEST_KEY' },
        branch: 'source',
        missingSecrets: 'placeholder',
        overlays: {
          secrets: {
            'certificates/Web Shop TLS': { CertificateData: { valueFrom: { file: 'webshop-tls.b64' } }, Password: { valueFrom: { env: 'TLS_PASSWORD' } } },
            'git-credentials/GitHub deploy bot': { 'Details.Password': { valueFrom: { env: 'GIT_TOKEN' } } },
          },
        },
      });
      await repo.writeSecret('webshop-tls.b64', Buffer.from(SAMPLE_CERTIFICATE_PEM).toString('base64'));
      const databaseRunbooks = ((await simHttp(source).get('/api/Spaces-1/runbooks/all')).body as Json[]).length;
      const options = { repo: repo.dir, destination: 'production', env: { DEST_KEY: target.apiKey, GIT_TOKEN: TOKEN, TLS_PASSWORD: 'prod-tls-password' } };
      target.knobs.resetCounts();
      expect((await runApply(options)).result).toBe('success');
      // One runbook create per database runbook of the source: none for the clinic's.
      expect(writesByRoute(target)['POST /api/:spaceId/runbooks']).toBe(databaseRunbooks);
      const clinicProject = await projectNamed(target, 'Pet Clinic');
      expect(((await simHttp(target).get('/api/Spaces-1/runbooks/all')).body as Json[]).filter((r) => r.ProjectId === clinicProject.Id)).toEqual([]);
      expect(((await simHttp(target).get(`/api/Spaces-1/projects/${String(clinicProject.Id)}/main/runbooks`)).body.Items as Json[]).map((r) => r.Name)).toEqual(['Restart clinic']);
      target.knobs.resetCounts();
      expect((await runApply(options)).result).toBe('no-changes');
      expect(writeCount(target)).toBe(0);
    } finally {
      await target.close();
    }
  }, 120_000);
});
