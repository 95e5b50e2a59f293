import { describe, expect, it } from 'vitest';
import type { Json, JsonObject, LiveSpace } from '../../src/core/document.js';
import { IdResolver, NameResolver, buildRefTable } from '../../src/core/refs.js';
import { projectGroups } from '../../src/kinds/project-groups/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { byFile, fixturesIn, idsIn, kindChecks, productSchemas, simulatorsClosedAfterEach } from '../support/kind-checks.js';
import { simHttp } from '../support/sim-http.js';
import { itWithReferenceData, recorded2018 } from '../support/reference-data.js';

const fixture = fixturesIn(new URL('./project-groups/fixtures/', import.meta.url));
const recorded = recorded2018<JsonObject>('projectgroup');
const captured: LiveSpace = {
  projectgroups: fixture<JsonObject[]>('projectgroups-all-simulator.json'),
  environments: fixture<JsonObject[]>('environments-all-simulator.json'),
};

const schemas = productSchemas();
const simulator = simulatorsClosedAfterEach();
const { document, applyDocuments, readDocuments, invalidAt } = kindChecks(projectGroups, 'projectgroups');

describe('project-groups kind', () => {
  itWithReferenceData('normalizes a recorded real response: no ids, no retention policy', () => {
    const live = { projectgroups: [recorded] };
    const names = new NameResolver(buildRefTable(live));
    expect(projectGroups.toDocuments(live, names)).toEqual([
      { kind: 'project-groups', name: 'Default Project Group', file: 'project-groups/default-project-group.yaml', body: { Name: 'Default Project Group', Environments: [] } },
    ]);
    expect(names.problems).toEqual([]);
  });

  it('writes environments by name, sorted, and no id anywhere', () => {
    const names = new NameResolver(buildRefTable(captured));
    const docs = projectGroups.toDocuments(captured, names);
    expect(names.problems).toEqual([]);
    expect(byFile(docs).map((doc) => doc.body)).toEqual([
      { Name: 'Default Project Group', Description: 'This is the default project group.', Environments: [] },
      { Name: 'Internal Tools', Environments: [] },
      { Name: 'Web Shop', Description: 'Customer-facing storefront services.', Environments: ['Development', 'Production'] },
    ]);
    expect(docs.flatMap((doc) => idsIn(doc.body))).toEqual([]);
  });

  it('creates what the documents describe in a fresh server and reads back the same documents', async () => {
    const sim = await simulator();
    const docs = projectGroups.toDocuments(captured, new NameResolver(buildRefTable(captured)));
    await createEnvironments(sim, ['Production', 'Development']);
    expect(await applyDocuments(sim, docs)).toEqual([]);
    expect(await readDocuments(sim)).toEqual(byFile(docs));
  });

  itWithReferenceData('updates the default project group from the recorded document', async () => {
    const sim = await simulator();
    const docs = projectGroups.toDocuments({ projectgroups: [recorded] }, new NameResolver(buildRefTable({})));
    expect(await applyDocuments(sim, docs)).toEqual([]);
    expect(await readDocuments(sim)).toEqual(docs);
  });

  it('names the document and field of an environment the destination lacks', () => {
    const doc = document({ Name: 'Web Shop', Environments: ['Production', 'Nowhere'] });
    const ids = new IdResolver(buildRefTable({ environments: [{ Id: 'Environments-7', Name: 'Production' }] }));
    expect(projectGroups.toPayload(doc, ids)).toEqual({ Name: 'Web Shop', EnvironmentIds: ['Environments-7', ''] });
    expect(ids.problems).toEqual([{ where: "project group 'Web Shop' Environments", message: "refers to environment 'Nowhere', which does not exist in the destination" }]);
  });

  itWithReferenceData('names the document and field of an id the source cannot resolve', () => {
    const live = { projectgroups: [{ ...recorded, EnvironmentIds: ['Environments-404'] }], environments: [] };
    const names = new NameResolver(buildRefTable(live));
    projectGroups.toDocuments(live, names);
    expect(names.problems).toEqual([
      { where: "project group 'Default Project Group' EnvironmentIds", message: "refers to environments 'Environments-404', which does not exist on the server" },
    ]);
  });

  it('writes the same documents whatever order the server lists things in', () => {
    const shuffled: LiveSpace = {
      projectgroups: [...(captured.projectgroups ?? [])].reverse().map((group) => ({ ...group, EnvironmentIds: [...((group.EnvironmentIds as Json[]) ?? [])].reverse() })),
      environments: [...(captured.environments ?? [])].reverse(),
    };
    const docs = (live: LiveSpace) => byFile(projectGroups.toDocuments(live, new NameResolver(buildRefTable(live))));
    expect(docs(shuffled)).toEqual(docs(captured));
  });

  it('tells validate which environments a group names', () => {
    const webShop = projectGroups.toDocuments(captured, new NameResolver(buildRefTable(captured))).find((doc) => doc.name === 'Web Shop')!;
    expect(projectGroups.references?.(webShop)).toEqual([
      { pointer: '/Environments/0', kind: 'environments', name: 'Development' },
      { pointer: '/Environments/1', kind: 'environments', name: 'Production' },
    ]);
  });

  it('documents satisfy the schema; renamed and dropped id fields do not', () => {
    for (const doc of projectGroups.toDocuments(captured, new NameResolver(buildRefTable(captured)))) expect(schemas.validate('project-groups', doc.body)).toEqual([]);
    expect(invalidAt({ Name: 'Web Shop', EnvironmentIds: ['Environments-1'], RetentionPolicyId: null })).toEqual(['/EnvironmentIds', '/RetentionPolicyId']);
    expect(invalidAt({ Name: 'Web Shop', Environments: ['Production', 'Production'] })).toEqual(['/Environments']);
    expect(invalidAt({ Name: 'Web Shop', SomethingNewerServersAdd: true })).toEqual([]);
  });
});

async function createEnvironments(target: Simulator, names: string[]): Promise<void> {
  for (const Name of names) expect((await simHttp(target).post('/api/Spaces-1/environments', { Name })).status).toBe(201);
}
