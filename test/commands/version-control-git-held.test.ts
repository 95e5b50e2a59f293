// Drift of what version-controlled projects keep in Git: with `snapshot.gitHeldParts`, a plan
// compares the destination project's default branch with the repository's review copy and reports
// a difference as read-only drift, never as a change to apply. The sample's "Pet Clinic" project;
// a Git host of the test's own, shared by the source and the destination as two real servers share
// one repository.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runApply } from '../../src/commands/apply.js';
import { preparePlan } from '../../src/commands/plan.js';
import { renderPlanMarkdown, renderPlanText } from '../../src/core/render-plan.js';
import { readFiles } from '../../src/repo/state-files.js';
import { GitHost, startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { createAccounts, writesByRoute } from '../support/destinations.js';
import { stateRepo } from '../support/gitops.js';
import type { StateRepo } from '../support/gitops.js';
import { sampleDestinationEnv, writeSampleDestination } from '../support/sample-destination.js';
import { simHttp } from '../support/sim-http.js';

type Json = Record<string, unknown>;

const REVIEW_PROCESS = 'spaces/default/projects/pet-clinic/git/deployment-process.yaml';
const REVIEW_VARIABLES = 'spaces/default/projects/pet-clinic/git/variables.yaml';

let source: Simulator;
let destination: Simulator;
let repo: StateRepo;
let env: Record<string, string>;

async function useConfig(gitHeldParts: boolean): Promise<void> {
  await repo.commitFile('octosync.yaml', `source:\n  server: ${source.url}\nspaces: [Default]\nsnapshot:\n  gitHeldParts: ${String(gitHeldParts)}\n`, 'config');
  await repo.snapshot(source);
  await writeSampleDestination(repo, destination);
}

async function plan() {
  const prepared = await preparePlan({ repo: repo.dir, destination: 'production', env });
  await prepared.client.close();
  return prepared.plan;
}

/** Commits to the project's repository through the destination's git-ref routes, as a person editing the project in Git would. */
async function editInGit(): Promise<void> {
  const http = simHttp(destination);
  const clinic = ((await http.get('/api/Spaces-1/projects/all')).body as Json[]).find((project) => project.Name === 'Pet Clinic');
  const base = `/api/Spaces-1/projects/${String(clinic?.Id)}/main`;
  const process = (await http.get(`${base}/deploymentprocesses`)).body as { Steps: { Actions: { Properties: Json }[] }[] };
  const properties = process.Steps[1]?.Actions[0]?.Properties as Json;
  properties['Octopus.Action.Script.ScriptBody'] = 'set -e\n./deploy.sh --url "#{Clinic.Url}" --blue-green';
  expect((await http.put(`${base}/deploymentprocesses`, { ...process, ChangeDescription: 'blue-green' })).status).toBe(200);
  const variables = (await http.get(`${base}/variables`)).body as { Variables: Json[] };
  const url = variables.Variables.find((variable) => variable.Name === 'Clinic.Url') as Json;
  url.Value = 'https://clinic.example.org';
  expect((await http.put(`${base}/variables`, { ...variables, ChangeDescription: 'new domain' })).status).toBe(200);
}

beforeEach(async () => {
  const gitHost = new GitHost();
  source = await startSimulator({ seed: 'sample', gitHost });
  destination = await startSimulator({ seed: 'empty', gitHost });
  await createAccounts(source, destination);
  repo = await stateRepo();
  env = { ...sampleDestinationEnv(destination), GIT_TOKEN: 'prod-git-token-9' };
}, 60_000);

afterEach(async () => {
  await source.close();
  await destination.close();
  await repo.cleanup();
});

describe('drift of the Git-held parts of version-controlled projects', () => {
  it("reports a commit made in the project's repository as read-only drift: no change, nothing written", async () => {
    await useConfig(true);
    expect((await runApply({ repo: repo.dir, destination: 'production', env })).result).toBe('success');
    const clean = await plan();
    expect(clean.changes).toEqual([]);
    expect(clean.gitHeld).toBeUndefined();

    await editInGit();
    const drifted = await plan();
    expect(drifted.changes).toEqual([]);
    expect(drifted.problems).toEqual([]);
    expect(drifted.gitHeld?.map((d) => [d.project, d.file, d.fields.map((f) => f.path)])).toEqual([
      ['Pet Clinic', REVIEW_PROCESS, ['Steps[Deploy clinic].Actions[Deploy clinic].Properties.Octopus.Action.Script.ScriptBody']],
      ['Pet Clinic', REVIEW_VARIABLES, ['Variables[Clinic.Url].Value']],
    ]);
    const text = renderPlanText(drifted);
    expect(text).toContain("Drift in what version-controlled projects keep in Git (the destination's default branch against the repository's review copy; octosync never writes it");
    expect(text).toContain('≠ deployment process Pet Clinic (in its Git repository): 1 field differs');
    expect(text).toContain('+./deploy.sh --url "#{Clinic.Url}"');
    expect(text).toContain('0 to create, 0 to update, 0 to delete.');
    expect(renderPlanMarkdown(drifted)).toContain(`- project variables Pet Clinic (in its Git repository) (\`${REVIEW_VARIABLES}\`): 1 field differs`);

    // Apply leaves the project's repository and the review copy alone.
    const copies = await readFiles(repo.dir, [REVIEW_PROCESS, REVIEW_VARIABLES]);
    destination.knobs.resetCounts();
    expect((await runApply({ repo: repo.dir, destination: 'production', env })).result).toBe('no-changes');
    expect(writesByRoute(destination)).toEqual({});
    expect(await readFiles(repo.dir, [REVIEW_PROCESS, REVIEW_VARIABLES])).toEqual(copies);
  }, 120_000);

  it('without gitHeldParts the plan reads nothing at a git ref and reports no Git-held drift', async () => {
    await useConfig(false);
    expect((await runApply({ repo: repo.dir, destination: 'production', env })).result).toBe('success');
    await editInGit();
    destination.knobs.resetCounts();
    const drifted = await plan();
    expect(drifted.gitHeld).toBeUndefined();
    expect(Object.keys(destination.knobs.requestCounts().byRoute).filter((route) => route.includes(':gitRef'))).toEqual([]);
  }, 60_000);
});
