import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Json, JsonObject, KindDocument, LiveSpace } from '../../src/core/document.js';
import { IdResolver, NameResolver, buildRefTable } from '../../src/core/refs.js';
import { projectGroups } from '../../src/kinds/project-groups/index.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { loadSchemas } from '../../src/validate/schemas.js';
import { readLive } from '../support/live.js';
import { simHttp } from '../support/sim-http.js';

const fixture = <T>(file: string): T => JSON.parse(readFileSync(new URL(`./project-groups/fixtures/${file}`, import.meta.url), 'utf8')) as T;
const recorded = fixture<JsonObject>('projectgroup-2018.11.2.json');
const captured: LiveSpace = {
  projectgroups: fixture<JsonObject[]>('projectgroups-all-simulator.json'),
  environments: fixture<JsonObject[]>('environments-all-simulator.json'),
};

const schemas = loadSchemas();

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('project-groups kind', () => {
  it('normalizes a recorded real response: no ids, no retention policy', () => {
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
    sim = await startSimulator();
    const docs = projectGroups.toDocuments(captured, new NameResolver(buildRefTable(captured)));
    await createEnvironments(sim, ['Production', 'Development']);
    expect(await applyDocuments(sim, docs)).toEqual([]);
    expect(await readDocuments(sim)).toEqual(byFile(docs));
  });

  it('updates the default project group from the recorded document', async () => {
    sim = await startSimulator();
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

  it('names the document and field of an id the source cannot resolve', () => {
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

function document(body: JsonObject): KindDocument {
  return { kind: 'project-groups', name: String(body.Name), file: 'project-groups/x.yaml', body };
}

async function createEnvironments(target: Simulator, names: string[]): Promise<void> {
  for (const Name of names) expect((await simHttp(target).post('/api/Spaces-1/environments', { Name })).status).toBe(201);
}

/** Creates each document, or updates the resource of the same name; returns the payload problems. */
async function applyDocuments(target: Simulator, docs: KindDocument[]) {
  const ids = new IdResolver(buildRefTable(await readLive(target, projectGroups.reads)));
  for (const doc of docs) {
    const id = ids.table.idOf('projectgroups', doc.name);
    const payload = projectGroups.toPayload(doc, ids);
    const response = id ? await simHttp(target).put(`/api/Spaces-1/projectgroups/${id}`, payload) : await simHttp(target).post('/api/Spaces-1/projectgroups', payload);
    expect(response.status, response.text).toBe(id ? 200 : 201);
  }
  return ids.problems;
}

async function readDocuments(target: Simulator): Promise<KindDocument[]> {
  const live = await readLive(target, projectGroups.reads);
  const names = new NameResolver(buildRefTable(live));
  const docs = projectGroups.toDocuments(live, names);
  expect(names.problems).toEqual([]);
  return byFile(docs);
}

function byFile(docs: KindDocument[]): KindDocument[] {
  return [...docs].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/** Where a document still holds an id: an `…Id`/`…Ids` key, or a string like `Environments-1`. */
function idsIn(value: Json, at = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => idsIn(item, `${at}/${index}`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => [...(/(^|[a-z])Ids?$/.test(key) ? [`${at}/${key}`] : []), ...idsIn(item, `${at}/${key}`)]);
  }
  return typeof value === 'string' && /^[A-Za-z]+-\d+$/.test(value) ? [`${at}: ${value}`] : [];
}

/** JSON pointers of what the product's schema check (validate) rejects. */
function invalidAt(body: JsonObject): string[] {
  return schemas.validate('project-groups', body).map((issue) => issue.pointer);
}
