// A destination that takes two spaces gives each its own overlays, and a destination space that
// does not exist is created when the destination allows it, else the plan fails naming it.
// Source and destination simulators over real HTTP, a real Git repository.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runApply } from '../../src/commands/apply.js';
import { preparePlan } from '../../src/commands/plan.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { writes } from '../support/destinations.js';
import { stateRepo } from '../support/gitops.js';
import type { StateRepo } from '../support/gitops.js';
import { postCreated, simHttp } from '../support/sim-http.js';

let source: Simulator;
let destination: Simulator;
let repo: StateRepo;
const env = () => ({ DEST_KEY: destination.apiKey });

beforeEach(async () => {
  source = await startSimulator({ seed: 'empty' });
  destination = await startSimulator({ seed: 'empty' });
  const http = simHttp(source);
  const me = (await http.get('/api/users/me')).body as { Id: string };
  const teamB = (await postCreated(http, '/api/spaces', { Name: 'Team B', SpaceManagersTeamMembers: [me.Id], SpaceManagersTeams: [] })) as { Id: string };
  await postCreated(http, '/api/Spaces-1/environments', { Name: 'Production', Description: 'Default space.' });
  await postCreated(http, `/api/${teamB.Id}/environments`, { Name: 'Production', Description: 'Team B.' });
  repo = await stateRepo();
  await repo.commitFile('octosync.yaml', `source:\n  server: ${source.url}\n  apiKey: { env: SOURCE_API_KEY }\n  branch: source\nspaces: [Default, Team B]\n`);
  await repo.git().raw(['branch', '-M', 'source']);
  await repo.snapshot(source);
});

afterEach(async () => {
  await source.close();
  await destination.close();
  await repo.cleanup();
});

async function writeDestination(extra: Record<string, unknown>): Promise<void> {
  await repo.writeDestination('production', { server: destination.url, apiKey: { env: 'DEST_KEY' }, branch: 'source', spaces: { 'Team B': 'Team B Production' }, ...extra });
}

const PER_SPACE = {
  Default: { patches: { 'environments/Production': { UseGuidedFailure: true } } },
  'Team B Production': { patches: { 'environments/Production': { Description: 'Team B, as production has it.' } } },
};

describe('spaces', () => {
  it('two spaces with overlays of their own plan and apply; the missing one is created when allowed', async () => {
    await writeDestination({ createSpaces: true, spaceOverlays: PER_SPACE });
    const prepared = await preparePlan({ repo: repo.dir, destination: 'production', env: env() });
    await prepared.client.close();
    expect(prepared.plan.problems).toEqual([]);
    expect(prepared.plan.notices).toContainEqual(expect.stringContaining("space 'Team B Production' does not exist in destination 'production' yet: apply creates it first"));
    // The new space is planned as empty: what every new space has (a default lifecycle, ...) is
    // planned as created here, and is compared again once the space exists.
    expect(prepared.plan.changes.map((c) => `${c.action} ${c.space} ${c.name}`)).toEqual(expect.arrayContaining(['create Default Production', 'create Team B Production Production']));
    expect(prepared.plan.changes.filter((c) => c.space === 'Default').map((c) => c.name)).toEqual(['Production']);

    await runApply({ repo: repo.dir, destination: 'production', env: env() });
    const http = simHttp(destination);
    const spaces = (await http.get('/api/spaces/all')).body as { Id: string; Name: string }[];
    const teamB = spaces.find((s) => s.Name === 'Team B Production') as { Id: string };
    expect(teamB).toBeDefined();
    const inDefault = ((await http.get('/api/Spaces-1/environments/all')).body as Record<string, unknown>[])[0];
    const inTeamB = ((await http.get(`/api/${teamB.Id}/environments/all`)).body as Record<string, unknown>[])[0];
    expect(inDefault).toMatchObject({ Name: 'Production', Description: 'Default space.', UseGuidedFailure: true });
    expect(inTeamB).toMatchObject({ Name: 'Production', Description: 'Team B, as production has it.', UseGuidedFailure: false });
    const again = await preparePlan({ repo: repo.dir, destination: 'production', env: env() });
    await again.client.close();
    expect(again.plan.changes).toEqual([]);
  });

  it('one overlay for every space is checked against each (a patch only one space can take fails)', async () => {
    await writeDestination({ createSpaces: true, overlays: { patches: { 'environments/Production': { UseGuidedFailure: true }, 'environments/Staging': { UseGuidedFailure: true } } } });
    const prepared = await preparePlan({ repo: repo.dir, destination: 'production', env: env() });
    await prepared.client.close();
    expect(prepared.plan.problems.map((p) => p.space)).toEqual(['Default', 'Team B Production']);
  });

  it('a missing space without createSpaces: the plan fails naming it and the setting; nothing is written', async () => {
    await writeDestination({ spaceOverlays: PER_SPACE });
    destination.knobs.resetCounts();
    await expect(preparePlan({ repo: repo.dir, destination: 'production', env: env() })).rejects.toThrow(/destination 'production' has no space 'Team B Production'.*createSpaces: true/);
    await expect(runApply({ repo: repo.dir, destination: 'production', env: env() })).rejects.toThrow(/no space 'Team B Production'/);
    expect(writes(destination)).toEqual({ POST: 0, PUT: 0, DELETE: 0 });
  });

  it('a destination that takes one of the spaces plans only that one', async () => {
    await writeDestination({ sourceSpaces: ['Default'] });
    const prepared = await preparePlan({ repo: repo.dir, destination: 'production', env: env() });
    await prepared.client.close();
    expect(prepared.plan.changes.map((c) => `${c.space} ${c.name}`)).toEqual(['Default Production']);
  });
});
