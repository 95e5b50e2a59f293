import { describe, expect, it } from 'vitest';
import type { Json, JsonObject, KindDocument, LiveSpace } from '../../src/core/document.js';
import { IdResolver, NameResolver, buildRefTable } from '../../src/core/refs.js';
import { libraryVariableSets } from '../../src/kinds/library-variable-sets/index.js';
import { scriptModules } from '../../src/kinds/script-modules/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { idsIn, isolatedSchemaErrors, kindChecks, namesIn, simulatorsClosedAfterEach } from '../support/kind-checks.js';
import { readLive } from '../support/live.js';
import { postCreated, simHttp } from '../support/sim-http.js';
import type { SimHttp } from '../support/sim-http.js';
import { itWithReferenceData, recorded2018 } from '../support/reference-data.js';


/** Recorded responses of a 2018.11.2 server (see fixtures/README.md). */
const recorded: LiveSpace = {
  libraryvariablesets: [recorded2018('libraryvariableset')],
  variables: [recorded2018('variableset-library')],
};

const SPACE = '/api/Spaces-1';

const simulator = simulatorsClosedAfterEach();
const schemaErrors = isolatedSchemaErrors('library-variable-sets', ['common', 'variables']);
const { documentsOf } = kindChecks(libraryVariableSets, 'libraryvariablesets');

const variablesOf = (doc: KindDocument | undefined) => (doc?.body.Variables ?? []) as JsonObject[];

describe('library-variable-sets kind', () => {
  itWithReferenceData('normalizes a recorded library variable set and its variable set into one document', () => {
    const { docs, names } = documentsOf(recorded);
    expect(names.problems).toEqual([]);
    expect(docs).toEqual([
      {
        kind: 'library-variable-sets',
        name: 'ConnStr',
        file: 'library-variable-sets/connstr.yaml',
        body: {
          Name: 'ConnStr',
          Description: '',
          Templates: [],
          Variables: [
            {
              Name: 'ConnStr.SalesDb',
              Type: 'String',
              Value: 'server=#{DB.Server};database=SalesDb;uid=#{DB.User};pwd=#{DB.Password};app=#{ApplicationName}',
            },
          ],
        },
      },
    ]);
    expect(idsIn(docs[0]!.body, { names: namesIn(recorded) })).toEqual([]);
    expect(schemaErrors(docs[0]!.body)).toEqual([]);
  });

  itWithReferenceData('leaves script modules to the script-modules kind', () => {
    const module = { ...recorded2018('libraryvariableset'), Id: 'LibraryVariableSets-42', Name: 'Helpers', ContentType: 'ScriptModule', VariableSetId: 'variableset-LibraryVariableSets-42' };
    const live = { ...recorded, libraryvariablesets: [...(recorded.libraryvariablesets ?? []), module] };
    expect(documentsOf(live).docs.map((doc) => doc.name)).toEqual(['ConnStr']);
    expect(scriptModules.toDocuments(live, new NameResolver(buildRefTable(live))).map((doc) => doc.name)).toEqual(['Helpers']);
  });

  itWithReferenceData('drops template ids and shows a sensitive default value only as {HasValue: true}', () => {
    const set = recorded2018('libraryvariableset');
    const template = (name: string, DefaultValue: Json): JsonObject => ({
      Id: `4b9e9a0c-0000-4000-8000-00000000000${name.length}`,
      Name: name,
      Label: name,
      HelpText: null,
      DefaultValue,
      DisplaySettings: { 'Octopus.ControlType': DefaultValue !== null && typeof DefaultValue === 'object' ? 'Sensitive' : 'SingleLineText' },
    });
    const live = {
      ...recorded,
      libraryvariablesets: [{ ...set, Templates: [template('Pin', { HasValue: true, NewValue: null, Hint: null }), template('NoPin', { HasValue: false }), template('Email', 'ops@example.com')] }],
    };
    expect(documentsOf(live).docs[0]!.body.Templates).toEqual([
      { Name: 'Pin', Label: 'Pin', DefaultValue: { HasValue: true }, DisplaySettings: { 'Octopus.ControlType': 'Sensitive' } },
      { Name: 'NoPin', Label: 'NoPin', DisplaySettings: { 'Octopus.ControlType': 'Sensitive' } },
      { Name: 'Email', Label: 'Email', DefaultValue: 'ops@example.com', DisplaySettings: { 'Octopus.ControlType': 'SingleLineText' } },
    ]);
  });

  it('reports project-only scopes and missing names, naming the variable and the value', () => {
    const doc: KindDocument = {
      kind: 'library-variable-sets',
      name: 'Shared',
      file: 'library-variable-sets/shared.yaml',
      body: {
        Name: 'Shared',
        Templates: [],
        Variables: [
          { Name: 'A', Scope: { Channel: ['Hotfix'] }, Type: 'String', Value: '' },
          { Name: 'B', Scope: { Environment: ['Nowhere'] }, Type: 'String', Value: '' },
          { Name: 'C', Type: 'WorkerPool', Value: 'Windows Pool' },
        ],
      },
    };
    const ids = new IdResolver(buildRefTable({}));
    const payload = libraryVariableSets.variableSetPayload(doc, ids);
    expect(ids.problems).toEqual([
      { where: "library variable set 'Shared' variable 'A' Channel scope", message: "only a project's variables can be scoped by Channel ('Hotfix')" },
      { where: "library variable set 'Shared' variable 'B' Environment scope", message: "refers to environment 'Nowhere', which does not exist in the destination" },
      { where: "library variable set 'Shared' variable 'C' Value", message: "refers to worker pool 'Windows Pool', which does not exist in the destination" },
    ]);
    // Never widened: the unresolved names stay for the server to refuse.
    expect((payload.Variables as JsonObject[]).map((v) => v.Scope)).toEqual([{ Channel: ['Hotfix'] }, { Environment: ['Nowhere'] }, {}]);
  });

  it('lists the names a document refers to, for validate', () => {
    const doc: KindDocument = {
      kind: 'library-variable-sets',
      name: 'Shared',
      file: 'library-variable-sets/shared.yaml',
      body: { Name: 'Shared', Variables: [{ Name: 'A', Scope: { Environment: ['Dev'] }, Type: 'WorkerPool', Value: 'Linux' }] },
    };
    expect(libraryVariableSets.references?.(doc)).toEqual([
      { pointer: '/Variables/0/Value', kind: 'worker-pools', name: 'Linux' },
      { pointer: '/Variables/0/Scope/Environment/0', kind: 'environments', name: 'Dev' },
    ]);
  });

  it('gives the same document whatever order the server lists variables and scope values in', async () => {
    const sim = await simulator('sample');
    const live = await readLive(sim, libraryVariableSets.reads);
    const shuffled: LiveSpace = {
      ...live,
      libraryvariablesets: [...(live.libraryvariablesets ?? [])].reverse(),
      variables: (live.variables ?? []).map((set) => ({
        ...set,
        Variables: [...(set.Variables as JsonObject[])].reverse().map((v) => ({
          ...v,
          Scope: Object.fromEntries(Object.entries(v.Scope as JsonObject).map(([field, values]) => [field, [...(values as Json[])].reverse()])),
        })),
      })),
    };
    const byName = (docs: KindDocument[]) => [...docs].sort((a, b) => (a.name < b.name ? -1 : 1));
    expect(byName(documentsOf(shuffled).docs)).toEqual(byName(documentsOf(live).docs));
  });

  it('snapshots the sample instance\'s library variable sets without ids or secrets', async () => {
    const sim = await simulator('sample');
    const live = await readLive(sim, libraryVariableSets.reads);
    const { docs, names } = documentsOf(live);
    expect(names.problems).toEqual([]);
    expect(docs.map((doc) => doc.file)).toEqual(['library-variable-sets/common-settings.yaml', 'library-variable-sets/notification-settings.yaml']);
    const text = JSON.stringify(docs);
    expect(sim.instance.store.secretValues().filter((secret) => text.includes(secret))).toEqual([]);
    for (const doc of docs) {
      expect(idsIn(doc.body, { names: namesIn(live) })).toEqual([]);
      expect(schemaErrors(doc.body)).toEqual([]);
      expect(variablesOf(doc).filter((v) => v.IsSensitive === true && 'Value' in v)).toEqual([]);
    }
    const common = variablesOf(docs[0]);
    expect(common).toContainEqual({ Name: 'Aws.Account', Scope: { Environment: ['Production', 'Staging'] }, Type: 'AmazonWebServicesAccount', Value: 'AWS Production' });
    expect(common).toContainEqual({ Name: 'Build.WorkerPool', Type: 'WorkerPool', Value: 'Linux Workers' });
    expect(common).toContainEqual({ Name: 'Smtp.Password', Description: 'Password of the SMTP relay user.', IsSensitive: true, Type: 'Sensitive' });
  });

  itWithReferenceData('creates the recorded set in a fresh simulator and reads it back equal', async () => {
    const dest = await simulator('empty');
    const http = simHttp(dest);
    const [doc] = documentsOf(recorded).docs;
    const ids = new IdResolver(buildRefTable(await readLive(dest, libraryVariableSets.reads)));
    const created = await http.post(`${SPACE}/libraryvariablesets`, libraryVariableSets.toPayload(doc!, ids));
    expect(created.status, created.text).toBe(201);
    await putVariables(dest, doc!);
    expect(documentsOf(await readLive(dest, libraryVariableSets.reads)).docs).toEqual([doc]);
  });

  it('applies the sample\'s sets to a destination that has their names, reads them back equal, and keeps template ids', async () => {
    const source = await simulator('sample');
    const dest = await simulator('empty');
    await cloneReferences(source, dest);
    const expected = documentsOf(await readLive(source, libraryVariableSets.reads)).docs;
    const http = simHttp(dest);
    for (const doc of expected) {
      const ids = new IdResolver(buildRefTable(await readLive(dest, libraryVariableSets.reads)));
      const created = await http.post(`${SPACE}/libraryvariablesets`, libraryVariableSets.toPayload(doc, ids));
      expect(created.status, created.text).toBe(201);
      await putVariables(dest, doc);
    }
    const live = await readLive(dest, libraryVariableSets.reads);
    expect(documentsOf(live).docs).toEqual(expected);

    // An update PUT keeps the templates' ids: tenants' values are keyed by them.
    const common = (live.libraryvariablesets ?? []).find((set) => set.Name === 'Common Settings')!;
    const payload = libraryVariableSets.toPayload(expected[0]!, new IdResolver(buildRefTable(live)));
    const updated = await http.put(`${SPACE}/libraryvariablesets/${String(common.Id)}`, payload);
    expect(updated.status, updated.text).toBe(200);
    const templateIds = (set: JsonObject) => (set.Templates as JsonObject[]).map((t) => t.Id);
    expect(templateIds(updated.body as JsonObject)).toEqual(templateIds(common));
  });

  it('keeps the secrets of sensitive variables across a PUT built with the existing set', async () => {
    const sim = await simulator('sample');
    const before = sim.instance.store.secretValues().sort();
    const live = await readLive(sim, libraryVariableSets.reads);
    const http = simHttp(sim);
    const common = (live.libraryvariablesets ?? []).find((set) => set.Name === 'Common Settings')!;
    const existing = (live.variables ?? []).find((set) => set.Id === common.VariableSetId)!;
    const keyOf = (v: JsonObject) => `${String(existing.Id)}:${String(v.Id)}`;
    const secretsOf = (set: JsonObject) =>
      (set.Variables as JsonObject[])
        .filter((v) => v.IsSensitive === true)
        .map((v) => [v.Name, sim.instance.store.readSecret(keyOf(v))])
        .sort();
    const secrets = secretsOf(existing);
    expect(secrets).toEqual([
      ['Datadog.ApiKey', 'sample-secret-datadog-api-key'],
      ['Smtp.Password', 'sample-secret-smtp-password'],
    ]);

    for (const doc of documentsOf(live).docs) {
      const ids = new IdResolver(buildRefTable(live));
      const payload = libraryVariableSets.variableSetPayload(doc, ids);
      expect(ids.problems).toEqual([]);
      expect(payload).toMatchObject({ Id: expect.any(String), Version: expect.any(Number) });
      const put = await http.put(`${SPACE}/variables/${String(payload.Id)}`, payload);
      expect(put.status, put.text).toBe(200);
    }
    expect(sim.instance.store.secretValues().sort()).toEqual(before);
    const after = (await http.get(`${SPACE}/variables/${String(existing.Id)}`)).body as JsonObject;
    expect(secretsOf(after)).toEqual(secrets);
    expect(documentsOf(await readLive(sim, libraryVariableSets.reads)).docs).toEqual(documentsOf(live).docs);
  });
});

/** Reads the destination as apply would, and PUTs the document's variable set. */
async function putVariables(sim: Simulator, doc: KindDocument): Promise<void> {
  const ids = new IdResolver(buildRefTable(await readLive(sim, libraryVariableSets.reads)));
  const payload = libraryVariableSets.variableSetPayload(doc, ids);
  expect(ids.problems).toEqual([]);
  const put = await simHttp(sim).put(`${SPACE}/variables/${String(payload.Id)}`, payload);
  expect(put.status, put.text).toBe(200);
}

/** Creates in `dest`, by name, the environments (another order: other ids), accounts and worker pools of `source`. */
async function cloneReferences(source: Simulator, dest: Simulator): Promise<void> {
  const src = simHttp(source);
  const dst = simHttp(dest);
  const all = async (http: SimHttp, path: string) => (await http.get(`${SPACE}/${path}`)).body as JsonObject[];
  const post = (path: string, body: Record<string, unknown>) => postCreated(dst, `${SPACE}/${path}`, body);
  for (const env of [...(await all(src, 'environments/all'))].reverse()) await post('environments', { Name: env.Name });
  for (const account of await all(src, 'accounts/all')) await post('accounts', { Name: account.Name, AccountType: account.AccountType });
  const pools = new Set((await all(dst, 'workerpools/all')).map((pool) => pool.Name));
  for (const pool of await all(src, 'workerpools/all')) if (!pools.has(pool.Name)) await post('workerpools', { Name: pool.Name });
}
