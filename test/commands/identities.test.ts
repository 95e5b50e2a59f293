// Identities and files never collide: a separator inside a name is escaped, so project `A` with
// runbook `B/C` and project `A/B` with runbook `C` are two documents, and a snapshot never
// commits a repository validate rejects.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runApply } from '../../src/commands/apply.js';
import { preparePlan } from '../../src/commands/plan.js';
import { runValidate } from '../../src/commands/validate.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { stateRepo } from '../support/gitops.js';
import type { StateRepo } from '../support/gitops.js';
import { createProject, postCreated, simHttp } from '../support/sim-http.js';

let source: Simulator;
let destination: Simulator;
let repo: StateRepo;

beforeEach(async () => {
  source = await startSimulator({ seed: 'empty' });
  destination = await startSimulator({ seed: 'empty' });
  repo = await stateRepo();
  const http = simHttp(source);
  const a = await createProject(http, 'A');
  const ab = await createProject(http, 'A/B');
  await postCreated(http, '/api/Spaces-1/runbooks', { Name: 'B/C', ProjectId: a.Id });
  await postCreated(http, '/api/Spaces-1/runbooks', { Name: 'C', ProjectId: ab.Id });
});

afterEach(async () => {
  await source.close();
  await destination.close();
  await repo.cleanup();
});

describe('names holding the separator', () => {
  it('snapshot into two documents that validate, and apply as two runbooks', async () => {
    expect(await repo.snapshot(source)).toBeDefined();
    expect((await runValidate({ repo: repo.dir })).errors).toEqual([]);
    await repo.writeDestination('production', { server: destination.url, apiKey: { env: 'DEST_KEY' }, branch: 'source' });
    const env = { DEST_KEY: destination.apiKey };
    await runApply({ repo: repo.dir, destination: 'production', env });
    const projects = (await simHttp(destination).get('/api/Spaces-1/projects/all')).body as { Id: string; Name: string }[];
    const runbooks = (await simHttp(destination).get('/api/Spaces-1/runbooks/all')).body as { Name: string; ProjectId: string }[];
    const named = runbooks.map((runbook) => `${projects.find((p) => p.Id === runbook.ProjectId)?.Name} → ${runbook.Name}`).sort();
    expect(named).toEqual(['A → B/C', 'A/B → C']);
    const prepared = await preparePlan({ repo: repo.dir, destination: 'production', env });
    await prepared.client.close();
    expect(prepared.plan.changes).toEqual([]);
  });
});

describe('keys and folders', () => {
  it('gives documents whose names hold the separator keys of their own', async () => {
    const { documentKey } = await import('../../src/core/plan.js');
    expect(documentKey('a/projects', 'runbooks', 'b')).not.toBe(documentKey('a', 'projects', 'runbooks/b'));
    expect(documentKey('Default', 'environments', 'Production')).toBe('default/environments/production');
  });

  it('excludes a runbook with its project, whatever the names hold', async () => {
    const { isDocumentExcluded } = await import('../../src/core/exclusions.js');
    const { ownedName } = await import('../../src/core/names.js');
    const runbook = { kind: 'runbooks' as const, name: ownedName('A/B', 'C') };
    expect(isDocumentExcluded([{ kind: 'projects', name: 'A/B' }], 'Default', runbook)).toBe(true);
    expect(isDocumentExcluded([{ kind: 'projects', name: 'A' }], 'Default', runbook)).toBe(false);
    expect(isDocumentExcluded([{ kind: 'projects', name: 'A/B' }], 'Default', { kind: 'channels', name: 'A/B' })).toBe(true);
  });

  it('refuses two spaces that would share a folder, before reading anything', async () => {
    const { runSnapshot } = await import('../../src/commands/snapshot.js');
    const { createOctopusClient } = await import('../../src/octopus/index.js');
    const client = createOctopusClient({ server: source.url, apiKey: source.apiKey });
    source.knobs.resetCounts();
    try {
      await expect(runSnapshot({ api: client, server: source.url, repo: repo.dir, spaces: ['Default', 'Default!'] })).rejects.toThrow(/'Default' and 'Default!' would share the folder spaces\/default\//);
    } finally {
      await client.close();
    }
    expect(source.knobs.requestCounts().total).toBe(0);
  });
});
