import { describe, expect, it } from 'vitest';
import type { JsonObject, KindDocument, LiveSpace } from '../../src/core/document.js';
import { IdResolver, buildRefTable } from '../../src/core/refs.js';
import { runbookPayload, runbookProcessPayload, runbooks } from '../../src/kinds/runbooks/index.js';
import { formatYaml, parseYaml } from '../../src/repo/yaml.js';
import type { Simulator } from '../../src/simulator/index.js';
import { fixturesIn, idsIn, isolatedSchemaErrors, kindChecks, simulatorsClosedAfterEach, yamlOf } from '../support/kind-checks.js';
import { readLive } from '../support/live.js';
import { postCreated, defaultProjectFields, simHttp } from '../support/sim-http.js';
import { itWithReferenceData, recorded2018 } from '../support/reference-data.js';

const fixture = fixturesIn(new URL('./runbooks/fixtures/', import.meta.url));
const recordedProcess = recorded2018('deploymentprocess');
const captured = fixture('simulator-live-web-shop-runbooks.json') as unknown as LiveSpace;

/**
 * The recorded 2018 deployment process as a runbook process: a runbook process is a deployment
 * process plus `RunbookId` (see fixtures/README.md). Only the envelope changes; Steps are verbatim.
 */
function asRunbookProcess(process: JsonObject): JsonObject {
  return {
    ...process,
    Id: 'RunbookProcess-Runbooks-1',
    RunbookId: 'Runbooks-1',
    Links: { Self: '/api/runbookProcesses/RunbookProcess-Runbooks-1', Project: '/api/projects/Projects-22', Runbook: '/api/runbooks/Runbooks-1' },
  };
}

/** A runbook as the 2021.2 swagger's RunbookResource describes it, owning that process. */
const recordedProject: JsonObject = { Id: 'Projects-22', Name: 'TestProj2', DeploymentProcessId: 'deploymentprocess-Projects-22' };
const runbook: JsonObject = {
  Id: 'Runbooks-1',
  Name: 'Say hello',
  Description: 'Greets the targets.',
  ProjectId: 'Projects-22',
  RunbookProcessId: 'RunbookProcess-Runbooks-1',
  PublishedRunbookSnapshotId: 'RunbookSnapshots-3',
  MultiTenancyMode: 'Untenanted',
  EnvironmentScope: 'Specified',
  Environments: ['Environments-2', 'Environments-1'],
  DefaultGuidedFailureMode: 'EnvironmentDefault',
  ConnectivityPolicy: { SkipMachineBehavior: 'None', TargetRoles: ['web', 'TestRole'], AllowDeploymentsToNoTargets: true, ExcludeUnhealthyTargets: false },
  RunRetentionPolicy: { QuantityToKeep: 100, ShouldKeepForever: false, Unit: 'Items' },
  SpaceId: 'Spaces-1',
  Links: { Self: '/api/Spaces-1/runbooks/Runbooks-1' },
};
const environments: JsonObject[] = [
  { Id: 'Environments-1', Name: 'Test-1' },
  { Id: 'Environments-2', Name: 'Production' },
];

const schema = isolatedSchemaErrors('runbooks', ['common', 'process']);

const simulator = simulatorsClosedAfterEach();

const { documentsOf, readDocuments } = kindChecks(runbooks, 'runbooks', { readOrder: 'as-listed' });

/** Creates or updates the runbook, then PUTs its process, as apply does. */
async function applyDocument(sim: Simulator, doc: KindDocument, withExisting = true): Promise<unknown[]> {
  const http = simHttp(sim);
  const live = await readLive(sim, runbooks.reads);
  const ids = new IdResolver(buildRefTable(live));
  const projectId = ids.table.idOf('projects', String(doc.body.Project));
  const existing = (live.runbooks ?? []).find((r) => r.ProjectId === projectId && String(r.Name).toLowerCase() === String(doc.body.Name).toLowerCase());
  const saved = existing
    ? await http.put(`/api/Spaces-1/runbooks/${String(existing.Id)}`, runbookPayload(doc, ids, existing))
    : await http.post('/api/Spaces-1/runbooks', runbookPayload(doc, ids));
  if (saved.status !== 200 && saved.status !== 201) throw new Error(`runbook: ${saved.status} ${saved.text}`);
  const processId = String((saved.body as JsonObject).RunbookProcessId);
  const process = (await http.get(`/api/Spaces-1/runbookProcesses/${processId}`)).body as JsonObject;
  const body = withExisting ? runbookProcessPayload(doc, ids, process) : { ...runbookProcessPayload(doc, ids), Version: process.Version ?? null };
  const response = await http.put(`/api/Spaces-1/runbookProcesses/${processId}`, body);
  if (response.status !== 200) throw new Error(`runbook process: ${response.status} ${response.text}`);
  return ids.problems;
}

describe('runbooks kind', () => {
  itWithReferenceData('writes a runbook and its process (recorded real steps) as one document without ids', () => {
    const { docs, names } = documentsOf({ projects: [recordedProject], runbooks: [runbook], runbookProcesses: [asRunbookProcess(recordedProcess)], environments });
    expect(names.problems).toEqual([]);
    expect(docs).toEqual([
      {
        kind: 'runbooks',
        name: 'TestProj2/Say hello',
        file: 'projects/testproj2/runbooks/say-hello.yaml',
        body: {
          Name: 'Say hello',
          Description: 'Greets the targets.',
          ConnectivityPolicy: { AllowDeploymentsToNoTargets: true, ExcludeUnhealthyTargets: false, SkipMachineBehavior: 'None', TargetRoles: ['TestRole', 'web'] },
          DefaultGuidedFailureMode: 'EnvironmentDefault',
          EnvironmentScope: 'Specified',
          Environments: ['Production', 'Test-1'],
          MultiTenancyMode: 'Untenanted',
          Process: {
            Steps: [
              {
                Name: 'Hello world again',
                Actions: [
                  {
                    Name: 'Hello world again',
                    ActionType: 'Octopus.Script',
                    CanBeUsedForProjectVersioning: false,
                    IsDisabled: false,
                    IsRequired: false,
                    Properties: {
                      'Octopus.Action.RunOnServer': 'false',
                      'Octopus.Action.Script.ScriptBody': 'Write-Host "Hello, hello again!"',
                      'Octopus.Action.Script.ScriptSource': 'Inline',
                      'Octopus.Action.Script.Syntax': 'PowerShell',
                    },
                  },
                ],
                Condition: 'Success',
                PackageRequirement: 'LetOctopusDecide',
                Properties: { 'Octopus.Action.TargetRoles': 'TestRole' },
                StartTrigger: 'StartAfterPrevious',
              },
            ],
          },
          Project: 'TestProj2',
          RunRetentionPolicy: { QuantityToKeep: 100, ShouldKeepForever: false, Unit: 'Items' },
        },
      },
    ]);
    expect(idsIn(docs[0]!.body, { rules: 'processes' })).toEqual([]);
    expect(schema(docs[0]!.body)).toEqual([]);
  });

  it('normalizes runbooks captured from the simulator: files per project, unique runbook slugs', () => {
    const clash = { ...(captured.runbooks ?? [])[0]!, Id: 'Runbooks-99', Name: 'Purge CDN: cache', RunbookProcessId: 'RunbookProcess-Runbooks-2' };
    const { docs, names } = documentsOf({ ...captured, runbooks: [...(captured.runbooks ?? []), clash] });
    expect(names.problems).toEqual([]);
    expect(docs.map((doc) => [doc.name, doc.file])).toEqual([
      ['Web Shop/Purge CDN cache', 'projects/web-shop/runbooks/purge-cdn-cache.yaml'],
      ['Web Shop/Purge CDN: cache', 'projects/web-shop/runbooks/purge-cdn-cache-2.yaml'],
      ['Web Shop/Restart web servers', 'projects/web-shop/runbooks/restart-web-servers.yaml'],
    ]);
    for (const doc of docs) {
      expect(idsIn(doc.body, { rules: 'processes' }), doc.file).toEqual([]);
      expect(schema(doc.body), doc.file).toEqual([]);
      expect(doc.body).not.toHaveProperty('PublishedRunbookSnapshotId');
      expect(doc.body).not.toHaveProperty('RunbookProcessId');
      const text = formatYaml(doc.body);
      expect(parseYaml(text, doc.file).value).toEqual(doc.body);
    }
    const restart = docs.find((doc) => doc.name === 'Web Shop/Restart web servers')!;
    expect(restart.body.Environments).toEqual(['Production', 'Staging']);
  });

  it('reports a runbook whose process is missing from runbookProcesses', () => {
    const { docs, names } = documentsOf({ projects: [recordedProject], runbooks: [runbook], runbookProcesses: [], environments });
    expect(docs).toHaveLength(1);
    expect(names.problems).toEqual([{ where: "runbook 'TestProj2/Say hello'", message: "its process 'RunbookProcess-Runbooks-1' was not found in runbookProcesses" }]);
  });

  itWithReferenceData('creates the runbook and PUTs its process in a fresh instance, and reads both back equal', async () => {
    const { docs } = documentsOf({ projects: [recordedProject], runbooks: [runbook], runbookProcesses: [asRunbookProcess(recordedProcess)], environments });
    const sim = await simulator();
    const http = simHttp(sim);
    await postCreated(http, '/api/Spaces-1/environments', { Name: 'Decoy' });
    for (const environment of environments) await postCreated(http, '/api/Spaces-1/environments', { Name: environment.Name });
    await postCreated(http, '/api/Spaces-1/projects', { Name: 'TestProj2', ...(await defaultProjectFields(http)) });
    expect(await applyDocument(sim, docs[0]!)).toEqual([]);
    // A 2018 server's actions have no `Condition`; a newer one answers its default, `Success`.
    const expected = structuredClone(docs[0]!);
    for (const step of (expected.body.Process as JsonObject).Steps as JsonObject[]) for (const action of step.Actions as JsonObject[]) action.Condition = 'Success';
    expect(await readDocuments(sim)).toEqual([expected]);
    // The combined payload carries the process under `Process`, the rest is the runbook resource.
    const ids = new IdResolver(buildRefTable(await readLive(sim, runbooks.reads)));
    const payload = runbooks.toPayload(docs[0]!, ids);
    expect(ids.problems).toEqual([]);
    const environmentIds = (docs[0]!.body.Environments as string[]).map((name) => ids.table.idOf('environments', name));
    expect(environmentIds).not.toContain(undefined);
    expect(payload).toMatchObject({ Name: 'Say hello', ProjectId: ids.table.idOf('projects', 'TestProj2'), Environments: environmentIds, Process: { Steps: [{ Name: 'Hello world again' }] } });
  });

  it('round-trips every runbook of the sample instance into another instance and keeps sensitive values with the existing process', async () => {
    const source = await simulator('sample');
    const sourceDocs = await readDocuments(source);
    expect(sourceDocs.length).toBeGreaterThan(0);
    for (const doc of sourceDocs) {
      expect(idsIn(doc.body, { rules: 'processes' }), doc.file).toEqual([]);
      expect(schema(doc.body), doc.file).toEqual([]);
    }
    const purge = sourceDocs.find((doc) => doc.name === 'Web Shop/Purge CDN cache')!;
    expect(runbooks.references?.(purge)).toEqual(
      expect.arrayContaining([
        { pointer: '/Project', kind: 'projects', name: 'Web Shop' },
        { pointer: '/Process/Steps/0/Actions/0/WorkerPool', kind: 'worker-pools', name: 'Hosted Ubuntu' },
      ]),
    );
    const text = yamlOf(sourceDocs);
    for (const secret of source.instance.store.secretValues()) expect(text).not.toContain(secret);
    expect(yamlOf(await readDocuments(source))).toBe(text);

    // Apply the documents back onto the same instance with the existing runbooks and processes:
    // nothing changes, and no secret is lost.
    const secretsBefore = source.instance.store.secretValues();
    for (const doc of sourceDocs) expect(await applyDocument(source, doc)).toEqual([]);
    expect(await readDocuments(source)).toEqual(sourceDocs);
    expect(source.instance.store.secretValues()).toEqual(secretsBefore);
  });

  it('keeps a sensitive runbook step property only when the process PUT is built with the existing process', async () => {
    const sim = await simulator();
    const http = simHttp(sim);
    await postCreated(http, '/api/Spaces-1/environments', { Name: 'Production' });
    const project = await postCreated(http, '/api/Spaces-1/projects', { Name: 'Ops', ...(await defaultProjectFields(http)) });
    const rotate = await postCreated(http, '/api/Spaces-1/runbooks', { Name: 'Rotate', ProjectId: project.Id });
    const process = (await http.get(`/api/Spaces-1/runbookProcesses/${String(rotate.RunbookProcessId)}`)).body as JsonObject;
    const steps = [
      {
        Name: 'Rotate',
        Actions: [{ Name: 'Rotate', ActionType: 'Octopus.Script', Properties: { 'Octopus.Action.Script.ScriptBody': 'rotate', 'Api.Token': { HasValue: true, NewValue: 'runbook-secret' } } }],
      },
    ];
    expect((await http.put(`/api/Spaces-1/runbookProcesses/${String(process.Id)}`, { ...process, Steps: steps })).status).toBe(200);
    const [doc] = await readDocuments(sim);
    expect(((((doc!.body.Process as JsonObject).Steps as JsonObject[])[0]!.Actions as JsonObject[])[0]!.Properties as JsonObject)['Api.Token']).toEqual({ HasValue: true });
    expect(JSON.stringify(doc)).not.toContain('runbook-secret');

    const changed = structuredClone(doc!);
    changed.body.Description = 'Rotates the token.';
    expect(await applyDocument(sim, changed)).toEqual([]);
    expect(sim.instance.store.secretValues()).toContain('runbook-secret');
    expect(await readDocuments(sim)).toEqual([changed]);

    expect(await applyDocument(sim, changed, false)).toEqual([]);
    expect(sim.instance.store.secretValues()).not.toContain('runbook-secret');
  });

  it('names the runbook, step, action and field of a worker pool or feed missing in the destination', () => {
    const doc: KindDocument = {
      kind: 'runbooks',
      name: 'Ops/Rotate',
      file: 'projects/ops/runbooks/rotate.yaml',
      body: {
        Name: 'Rotate',
        Project: 'Ops',
        Environments: ['Production'],
        Process: {
          Steps: [
            { Name: 'Rotate', Actions: [{ Name: 'Rotate key', ActionType: 'Octopus.Script', WorkerPool: 'Linux Workers', Packages: [{ Name: 'cli', PackageId: 'Ops.Cli', Feed: 'Internal NuGet' }] }] },
          ],
        },
      },
    };
    const ids = new IdResolver(buildRefTable({ projects: [{ Id: 'Projects-3', Name: 'Ops' }], environments: [{ Id: 'Environments-9', Name: 'Production' }] }));
    const payload = runbooks.toPayload(doc, ids);
    expect(ids.problems).toEqual([
      { where: "runbook 'Ops/Rotate', step 'Rotate', action 'Rotate key', WorkerPool", message: "refers to worker pool 'Linux Workers', which does not exist in the destination" },
      { where: "runbook 'Ops/Rotate', step 'Rotate', action 'Rotate key', package 'cli', Feed", message: "refers to feed 'Internal NuGet', which does not exist in the destination" },
    ]);
    expect(payload).toMatchObject({ ProjectId: 'Projects-3', Environments: ['Environments-9'] });
  });

  it('rejects documents that carry ids or server-managed fields', () => {
    const valid = { Name: 'Rotate', Project: 'Ops', Process: { Steps: [{ Name: 'Rotate', Actions: [{ Name: 'Rotate', ActionType: 'Octopus.Script' }] }] } };
    expect(schema(valid)).toEqual([]);
    expect(schema({ ...valid, ProjectId: 'Projects-1' })).not.toEqual([]);
    expect(schema({ ...valid, RunbookProcessId: 'RunbookProcess-Runbooks-1' })).not.toEqual([]);
    expect(schema({ ...valid, PublishedRunbookSnapshotId: 'RunbookSnapshots-1' })).not.toEqual([]);
    expect(schema({ ...valid, Process: { ...valid.Process, Version: 3 } })).not.toEqual([]);
    const action = (fields: JsonObject) => ({ ...valid, Process: { Steps: [{ Name: 'Rotate', Actions: [{ Name: 'Rotate', ActionType: 'Octopus.Script', ...fields }] }] } });
    expect(schema(action({ WorkerPoolId: 'WorkerPools-1' }))).not.toEqual([]);
    expect(schema(action({ Id: '6bce4124-2427-46fa-8547-f8a36c8935be' }))).not.toEqual([]);
    expect(schema(action({ Packages: [{ Name: '', PackageId: 'X', FeedId: 'feeds-builtin' }] }))).not.toEqual([]);
    expect(schema(action({ Properties: { 'Octopus.Action.Template.Version': '3' } }))).not.toEqual([]);
    expect(schema(action({ Properties: { Token: { HasValue: true, NewValue: 'secret' } } }))).not.toEqual([]);
    expect(schema(action({ SomethingNewer: { Nested: true } }))).toEqual([]);
  });
});
