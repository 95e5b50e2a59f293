import { describe, expect, it } from 'vitest';
import type { Json, JsonObject, LiveSpace } from '../../src/core/document.js';
import { IdResolver, NameResolver, buildRefTable } from '../../src/core/refs.js';
import { lifecycles } from '../../src/kinds/lifecycles/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { byFile, fixturesIn, idsIn, kindChecks, productSchemas, simulatorsClosedAfterEach } from '../support/kind-checks.js';
import { readLive } from '../support/live.js';
import { simHttp } from '../support/sim-http.js';
import { itWithReferenceData, recorded2018 } from '../support/reference-data.js';

const fixture = fixturesIn(new URL('./lifecycles/fixtures/', import.meta.url));
const recorded = recorded2018<JsonObject>('lifecycle');
const captured: LiveSpace = {
  lifecycles: fixture<JsonObject[]>('lifecycles-all-simulator.json'),
  environments: fixture<JsonObject[]>('environments-all-simulator.json'),
};
const keepForever = { Unit: 'Days', QuantityToKeep: 0, ShouldKeepForever: true };

const schemas = productSchemas();
const simulator = simulatorsClosedAfterEach();
const { document, applyDocuments, readDocuments, invalidAt } = kindChecks(lifecycles, 'lifecycles');

describe('lifecycles kind', () => {
  itWithReferenceData('normalizes a recorded real response into a document without ids or server fields', () => {
    const live = { lifecycles: [recorded] };
    const names = new NameResolver(buildRefTable(live));
    expect(lifecycles.toDocuments(live, names)).toEqual([
      {
        kind: 'lifecycles',
        name: 'Default Lifecycle',
        file: 'lifecycles/default-lifecycle.yaml',
        body: {
          Name: 'Default Lifecycle',
          Phases: [],
          ReleaseRetentionPolicy: { QuantityToKeep: 0, ShouldKeepForever: true, Unit: 'Items' },
          TentacleRetentionPolicy: { QuantityToKeep: 0, ShouldKeepForever: true, Unit: 'Items' },
        },
      },
    ]);
    expect(names.problems).toEqual([]);
  });

  it('keeps phases in promotion order and writes their environments by name, sorted', () => {
    const names = new NameResolver(buildRefTable(captured));
    const docs = byFile(lifecycles.toDocuments(captured, names));
    expect(names.problems).toEqual([]);
    expect(docs.map((doc) => doc.body)).toEqual([
      { Name: 'Default Lifecycle', Description: 'This is the default lifecycle.', Phases: [], ReleaseRetentionPolicy: keepForever, TentacleRetentionPolicy: keepForever },
      {
        Name: 'Hotfix',
        Phases: [{ Name: 'Production', AutomaticDeploymentTargets: [], IsOptionalPhase: false, MinimumEnvironmentsBeforePromotion: 0, OptionalDeploymentTargets: ['Production', 'Staging'] }],
        ReleaseRetentionPolicy: keepForever,
        TentacleRetentionPolicy: keepForever,
      },
      {
        Name: 'Standard Release',
        Description: 'Development, then test, then production.',
        Phases: [
          { Name: 'Development', AutomaticDeploymentTargets: ['Development'], IsOptionalPhase: false, MinimumEnvironmentsBeforePromotion: 0, OptionalDeploymentTargets: [] },
          { Name: 'Testing', AutomaticDeploymentTargets: ['Test'], IsOptionalPhase: false, MinimumEnvironmentsBeforePromotion: 1, OptionalDeploymentTargets: ['Staging'] },
          {
            Name: 'Production',
            AutomaticDeploymentTargets: [],
            IsOptionalPhase: false,
            MinimumEnvironmentsBeforePromotion: 0,
            OptionalDeploymentTargets: ['Production'],
            ReleaseRetentionPolicy: { QuantityToKeep: 90, ShouldKeepForever: false, Unit: 'Days' },
          },
        ],
        ReleaseRetentionPolicy: { QuantityToKeep: 10, ShouldKeepForever: false, Unit: 'Items' },
        TentacleRetentionPolicy: { QuantityToKeep: 30, ShouldKeepForever: false, Unit: 'Days' },
      },
    ]);
    expect(docs.flatMap((doc) => idsIn(doc.body))).toEqual([]);
  });

  it('creates what the documents describe in a fresh server and reads back the same documents', async () => {
    const sim = await simulator();
    const docs = lifecycles.toDocuments(captured, new NameResolver(buildRefTable(captured)));
    for (const Name of ['Production', 'Staging', 'Test', 'Development']) expect((await simHttp(sim).post('/api/Spaces-1/environments', { Name })).status).toBe(201);
    expect(await applyDocuments(sim, docs)).toEqual([]);
    expect(await readDocuments(sim)).toEqual(byFile(docs));
  });

  itWithReferenceData('updates the default lifecycle from the recorded document', async () => {
    const sim = await simulator();
    const docs = lifecycles.toDocuments({ lifecycles: [recorded] }, new NameResolver(buildRefTable({})));
    expect(await applyDocuments(sim, docs)).toEqual([]);
    expect(await readDocuments(sim)).toEqual(docs);
  });

  it("keeps the destination's phase ids when it updates a lifecycle", async () => {
    const sim = await simulator();
    const docs = lifecycles.toDocuments(captured, new NameResolver(buildRefTable(captured)));
    for (const Name of ['Production', 'Staging', 'Test', 'Development']) await simHttp(sim).post('/api/Spaces-1/environments', { Name });
    await applyDocuments(sim, docs);
    const phaseIds = async (target: Simulator) => ((await readLive(target, ['lifecycles'])).lifecycles ?? []).map((lifecycle) => (lifecycle.Phases as JsonObject[]).map((phase) => [phase.Name, phase.Id]));
    const before = await phaseIds(sim);
    expect(await applyDocuments(sim, docs)).toEqual([]);
    expect(await phaseIds(sim)).toEqual(before);
  });

  it('names the document, phase and field of an environment the destination lacks', () => {
    const doc = document({ Name: 'Hotfix', Phases: [{ Name: 'Production', AutomaticDeploymentTargets: ['Nowhere'], OptionalDeploymentTargets: ['Production'] }] });
    const ids = new IdResolver(buildRefTable({ environments: [{ Id: 'Environments-7', Name: 'Production' }] }));
    expect(lifecycles.toPayload(doc, ids).Phases).toEqual([{ Name: 'Production', AutomaticDeploymentTargets: [''], OptionalDeploymentTargets: ['Environments-7'] }]);
    expect(ids.problems).toEqual([
      { where: "lifecycle 'Hotfix' phase 'Production' AutomaticDeploymentTargets", message: "refers to environment 'Nowhere', which does not exist in the destination" },
    ]);
  });

  itWithReferenceData('names the document, phase and field of an id the source cannot resolve', () => {
    const live = { lifecycles: [{ ...recorded, Phases: [{ Id: 'x', Name: 'Production', AutomaticDeploymentTargets: [], OptionalDeploymentTargets: ['Environments-404'] }] }], environments: [] };
    const names = new NameResolver(buildRefTable(live));
    lifecycles.toDocuments(live, names);
    expect(names.problems).toEqual([
      { where: "lifecycle 'Default Lifecycle' phase 'Production' OptionalDeploymentTargets", message: "refers to environments 'Environments-404', which does not exist on the server" },
    ]);
  });

  it('writes the same documents whatever order the server lists lifecycles and environments in', () => {
    const shuffled: LiveSpace = {
      lifecycles: [...(captured.lifecycles ?? [])].reverse().map((lifecycle) => ({
        ...lifecycle,
        Phases: (lifecycle.Phases as JsonObject[]).map((phase) => ({
          ...phase,
          AutomaticDeploymentTargets: [...(phase.AutomaticDeploymentTargets as Json[])].reverse(),
          OptionalDeploymentTargets: [...(phase.OptionalDeploymentTargets as Json[])].reverse(),
        })),
      })),
      environments: [...(captured.environments ?? [])].reverse(),
    };
    const docs = (live: LiveSpace) => byFile(lifecycles.toDocuments(live, new NameResolver(buildRefTable(live))));
    expect(docs(shuffled)).toEqual(docs(captured));
  });

  it('tells validate which environments the phases name', () => {
    const hotfix = lifecycles.toDocuments(captured, new NameResolver(buildRefTable(captured))).find((doc) => doc.name === 'Hotfix')!;
    expect(lifecycles.references?.(hotfix)).toEqual([
      { pointer: '/Phases/0/OptionalDeploymentTargets/0', kind: 'environments', name: 'Production' },
      { pointer: '/Phases/0/OptionalDeploymentTargets/1', kind: 'environments', name: 'Staging' },
    ]);
  });

  it('documents satisfy the schema; phase ids and unknown retention units do not', () => {
    for (const doc of lifecycles.toDocuments(captured, new NameResolver(buildRefTable(captured)))) expect(schemas.validate('lifecycles', doc.body)).toEqual([]);
    expect(invalidAt({ Name: 'Hotfix', Phases: [{ Id: '17293824-34e5-4024-aca1-aa12fc29ce45', Name: 'Production' }] })).toEqual(['/Phases/0/Id']);
    expect(invalidAt({ Name: 'Hotfix', Phases: [{ Name: 'Production', OptionalDeploymentTargets: 'Production' }] })).toEqual(['/Phases/0/OptionalDeploymentTargets']);
    expect(invalidAt({ Name: 'Hotfix', ReleaseRetentionPolicy: { Unit: 'Weeks', QuantityToKeep: 1, ShouldKeepForever: false } })).toEqual(['/ReleaseRetentionPolicy/Unit']);
    expect(invalidAt({ Name: 'Hotfix', Phases: [{ Name: 'Production', IsPriorityPhase: true }], SomethingNewer: 1 })).toEqual([]);
  });
});
