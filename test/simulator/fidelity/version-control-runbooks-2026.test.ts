// The routes of runbooks stored in Git against the 2026 reference's response examples: every
// field an example shows must come back with the same JSON type (as reference-2026.test.ts does
// for the database's routes, which cannot reach these: they need a project whose runbooks are in
// Git, a git ref and a slug).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { GitHost, startSimulator } from '../../../src/simulator/index.js';
import type { Simulator } from '../../../src/simulator/index.js';
import { describeWithReferenceData } from '../../support/reference-data.js';
import { simHttp } from '../../support/sim-http.js';
import { compareWithExample, readReferenceEndpoints } from './helpers/reference-2026.js';
import { isEnvelopeField } from './helpers/reference-2026-skips.js';

type Json = Record<string, unknown>;

/** Fields a Git runbook never has a value for, and why. */
const ONLY_NULL: Record<string, string> = {
  PublishedRunbookSnapshotId: 'a runbook in Git runs from a ref, never from a published snapshot (OctopusDeploy/cli#441)',
  LastSnapshotId: 'the same: no snapshot of a Git runbook process',
  ServerTaskId: 'the simulator migrates at once and names no task',
  Description: 'left out by the runbook these tests make',
};

describeWithReferenceData('runbooks stored in Git answer as the 2026 API reference shows', () => {
  const endpoints = readReferenceEndpoints(['runbooks.md', 'runbook-processes.md', 'projects.md']);
  const answers = new Map<string, unknown[]>();
  let sim: Simulator;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 'empty', gitHost: new GitHost() });
    const http = simHttp(sim);
    const s = '/api/Spaces-1';
    const record = (key: string, body: unknown) => answers.set(key, [...(answers.get(key) ?? []), body]);
    const groups = (await http.get(`${s}/projectgroups/all`)).body as Json[];
    const lifecycles = (await http.get(`${s}/lifecycles/all`)).body as Json[];
    const environment = (await http.post(`${s}/environments`, { Name: 'Production' })).body as Json;
    const project = (await http.post(`${s}/projects`, { Name: 'Clinic', ProjectGroupId: groups[0]?.Id, LifecycleId: lifecycles[0]?.Id })).body as Json;
    const p = `${s}/projects/${String(project.Id)}`;
    const runbook = (await http.post(`${p}/runbooks`, { Name: 'Restart', EnvironmentScope: 'Specified', Environments: [environment.Id], RunbookTags: [] })).body as Json;
    const processPath = `${s}/runbookProcesses/${String(runbook.RunbookProcessId)}`;
    const steps = [{ Name: 'Restart', Properties: {}, Actions: [{ Name: 'Restart', ActionType: 'Octopus.Script', Properties: { 'Octopus.Action.RunOnServer': 'true', 'Octopus.Action.Script.ScriptBody': 'echo restart' } }] }];
    expect((await http.put(processPath, { ...((await http.get(processPath)).body as Json), Steps: steps })).status).toBe(200);
    const converted = await http.post(`${p}/git/convert`, {
      ChangeDescription: 'Git',
      VersionControlSettings: { Type: 'VersionControlled', Url: 'https://git.example.com/clinic.git', BasePath: '.octopus', DefaultBranch: 'main', Credentials: { Type: 'Anonymous' } },
    });
    expect(converted.status, converted.text).toBe(200);
    const preview = await http.get(`${p}/git/migrate-runbooks`);
    record('GET /api/{spaceId}/projects/{projectId}/git/migrate-runbooks', preview.body);
    const migrated = await http.post(`${p}/git/migrate-runbooks`, { ProjectId: project.Id, SpaceId: 'Spaces-1', Branch: 'main', CommitMessage: 'Runbooks to Git' });
    expect(migrated.status, migrated.text).toBe(200);
    expect(runbook.Name).toBe('Restart');
    record('POST /api/{spaceId}/projects/{projectId}/git/migrate-runbooks', migrated.body);
    const made = await http.post(`${p}/main/runbooks/v2`, { Name: 'Purge', GitRef: 'main', ProjectId: project.Id, SpaceId: 'Spaces-1' });
    expect(made.status, made.text).toBe(201);
    record('POST /api/{spaceId}/projects/{projectId}/{gitRef}/runbooks/v2', made.body);
    record('GET /api/{spaceId}/projects/{projectId}/{gitRef}/runbooks', (await http.get(`${p}/main/runbooks`)).body);
    const read = (await http.get(`${p}/main/runbooks/restart`)).body as Json;
    record('GET /api/{spaceId}/projects/{projectId}/{gitRef}/runbooks/{id}', read);
    const put = await http.put(`${p}/main/runbooks/restart`, { ...read, GitRef: 'main' });
    expect(put.status, put.text).toBe(200);
    record('PUT /api/{spaceId}/projects/{projectId}/{gitRef}/runbooks/{id}', put.body);
    const process = (await http.get(`${p}/refs%2Fheads%2Fmain/runbookProcesses/restart`)).body as Json;
    record('GET /api/{spaceId}/projects/{projectId}/{gitRef}/runbookProcesses/{id}', process);
    const written = await http.put(`${p}/main/runbookProcesses/restart`, { ...process, GitRef: 'main' });
    expect(written.status, written.text).toBe(200);
    record('PUT /api/{spaceId}/projects/{projectId}/{gitRef}/runbookProcesses/{id}', written.body);
  });

  afterAll(async () => {
    await sim?.close();
  });

  it.each([
    'GET /api/{spaceId}/projects/{projectId}/git/migrate-runbooks',
    'POST /api/{spaceId}/projects/{projectId}/git/migrate-runbooks',
    'POST /api/{spaceId}/projects/{projectId}/{gitRef}/runbooks/v2',
    'GET /api/{spaceId}/projects/{projectId}/{gitRef}/runbooks',
    'GET /api/{spaceId}/projects/{projectId}/{gitRef}/runbooks/{id}',
    'PUT /api/{spaceId}/projects/{projectId}/{gitRef}/runbooks/{id}',
    'GET /api/{spaceId}/projects/{projectId}/{gitRef}/runbookProcesses/{id}',
    'PUT /api/{spaceId}/projects/{projectId}/{gitRef}/runbookProcesses/{id}',
  ])('%s', (key) => {
    const endpoint = endpoints.find((candidate) => `${candidate.method} ${candidate.path}` === key);
    expect(endpoint?.response, `the reference documents ${key} with a response`).toBeDefined();
    const findings = compareWithExample(endpoint?.response, answers.get(key) ?? []);
    const problems = [...findings.values()]
      .filter((finding) => !isEnvelopeField(endpoint?.response, finding.path))
      .flatMap((finding) => {
        const wrong = [...finding.seen].filter((type) => type !== finding.expected && type !== 'null');
        if (wrong.length > 0) return [`${finding.path}: expected ${finding.expected}, got ${wrong.join(', ')}`];
        const field = finding.path.split(/[.[\]{}]+/).filter((part) => part !== '').pop() ?? '';
        if (finding.expected !== 'null' && finding.seen.size > 0 && [...finding.seen].every((type) => type === 'null') && !(field in ONLY_NULL)) return [`${finding.path}: only ever null`];
        return [];
      });
    expect(problems, problems.join('; ')).toEqual([]);
  });
});
