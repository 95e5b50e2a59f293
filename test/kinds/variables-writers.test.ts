// The writers of the kinds that own variable sets (library variable sets, script modules, project
// variables) against real simulators over HTTP: a sample's documents are copied into an empty
// destination and read back equal; a change writes only what changed (one changed variable is one
// PUT); a sensitive variable given no value keeps the destination's secret; an unresolved name
// fails before anything is written.
import { describe, expect, it } from 'vitest';
import type { JsonObject, KindDocument } from '../../src/core/document.js';
import { kindNamed } from '../../src/kinds/registry.js';
import type { Kind } from '../../src/kinds/types.js';
import { WriteError } from '../../src/kinds/writing.js';
import type { Simulator } from '../../src/simulator/index.js';
import { byKindAndFile, documentNamed } from '../support/kind-checks.js';
import { createProject, postCreated, simHttp } from '../support/sim-http.js';
import { sampleAndEmptyPerTest, writeContext } from '../support/write-harness.js';
import type { SampleCopy } from '../support/write-harness.js';

const kind = (name: string) => kindNamed(name) as Kind;
const LIBRARY = kind('library-variable-sets');
const MODULES = kind('script-modules');
const PROJECT_VARIABLES = kind('project-variables');
/** What library variable sets refer to in the sample (accounts are created over HTTP: never synced). */
const PREREQUISITES = [kind('environments'), kind('worker-pools')];

const SPACE = '/api/Spaces-1';

const sampleAndEmpty = sampleAndEmptyPerTest();

/** The sample as source, an empty destination holding the environments, worker pools and accounts the sample's variables name. */
async function setup(): Promise<SampleCopy> {
  const { source, destination, from, to } = await sampleAndEmpty();
  await to.write(await from.documents(PREREQUISITES));
  const http = simHttp(destination);
  for (const account of [
    { Name: 'Deploy Service Account', AccountType: 'UsernamePassword', Username: 'svc-deploy' },
    { Name: 'AWS Production', AccountType: 'AmazonWebServicesAccount', AccessKey: 'AKIADESTINATION' },
  ]) {
    await postCreated(http, `${SPACE}/accounts`, account);
  }
  return { source, destination, from, to };
}

const variablesOf = (doc: KindDocument): JsonObject[] => doc.body.Variables as JsonObject[];

/** A value for every sensitive variable, as apply fills them in from the overlay. */
function withSecrets(doc: KindDocument, prefix: string): KindDocument {
  if (!Array.isArray(doc.body.Variables)) return doc;
  const variables = variablesOf(doc).map((v) => (v.IsSensitive === true ? { ...v, Value: `${prefix}-${String(v.Name)}-${JSON.stringify(v.Scope ?? {})}` } : v));
  return { ...doc, body: { ...doc.body, Variables: variables } };
}

function secretsOf(docs: KindDocument[], prefix: string): string[] {
  return docs.flatMap((doc) => (Array.isArray(doc.body.Variables) ? variablesOf(doc) : []).filter((v) => v.IsSensitive === true).map((v) => `${prefix}-${String(v.Name)}-${JSON.stringify(v.Scope ?? {})}`));
}

function replaceVariables(doc: KindDocument, change: (variables: JsonObject[]) => JsonObject[]): KindDocument {
  return { ...doc, body: { ...doc.body, Variables: change(variablesOf(doc)) } };
}

/** The raw variable set of a library variable set or project, by its owner's name. */
async function rawSet(sim: Simulator, collection: 'libraryvariablesets' | 'projects', name: string): Promise<JsonObject> {
  const http = simHttp(sim);
  const owners = (await http.get(`${SPACE}/${collection}/all`)).body as JsonObject[];
  const owner = owners.find((o) => o.Name === name);
  if (!owner) throw new Error(`no ${collection} '${name}'`);
  return (await http.get(`${SPACE}/variables/${String(owner.VariableSetId)}`)).body as JsonObject;
}

/** Variable ids by Name and Scope. */
function idsByIdentity(set: JsonObject): Map<string, string> {
  return new Map((set.Variables as JsonObject[]).map((v) => [`${String(v.Name)} ${JSON.stringify(v.Scope)}`, String(v.Id)]));
}

function secretOf(sim: Simulator, set: JsonObject, name: string): string | undefined {
  const variable = (set.Variables as JsonObject[]).find((v) => v.Name === name);
  return sim.instance.store.readSecret(`${String(set.Id)}:${String(variable?.Id)}`);
}

describe('library variable set and script module writers', () => {
  it('copy the sample into an empty destination, read back equal with the supplied secrets, and write nothing the second time', async () => {
    const { destination, from, to } = await setup();
    const wanted = await from.documents([MODULES, LIBRARY]);
    expect(wanted.map((d) => `${d.kind}/${d.name}`).sort()).toEqual([
      'library-variable-sets/Common Settings',
      'library-variable-sets/Notification Settings',
      'script-modules/Logging Helpers',
      'script-modules/Retry Helpers',
    ]);

    await to.write(wanted.map((doc) => withSecrets(doc, 'dest')));
    expect(byKindAndFile(await to.documents([MODULES, LIBRARY]))).toEqual(byKindAndFile(wanted));
    expect(destination.instance.store.secretValues().sort()).toEqual(secretsOf(wanted, 'dest').sort());
    expect(secretsOf(wanted, 'dest')).toHaveLength(3);

    // Unchanged documents (secrets as markers: nothing supplied) write nothing.
    destination.knobs.resetCounts();
    await to.write(wanted);
    const counts = destination.knobs.requestCounts();
    expect(counts.byMethod.PUT).toBeUndefined();
    expect(counts.byMethod.POST).toBeUndefined();
    expect(destination.instance.store.secretValues().sort()).toEqual(secretsOf(wanted, 'dest').sort());
  });

  it('update one changed variable with one PUT, keep secrets given no value, and remove only the variable removed', async () => {
    const { destination, from, to } = await setup();
    const wanted = await from.documents([MODULES, LIBRARY]);
    await to.write(wanted.map((doc) => withSecrets(doc, 'dest')));
    const before = await rawSet(destination, 'libraryvariablesets', 'Common Settings');
    const smtpSecret = secretOf(destination, before, 'Smtp.Password');
    expect(smtpSecret).toBe('dest-Smtp.Password-{}');

    const common = documentNamed(wanted, 'library-variable-sets', 'Common Settings');
    const changed = replaceVariables(common, (vs) => vs.map((v) => (v.Name === 'Smtp.Port' ? { ...v, Value: '2525' } : v)));
    destination.knobs.resetCounts();
    await to.write([changed]);
    const counts = destination.knobs.requestCounts();
    expect(counts.byMethod.PUT).toBe(1);
    expect(counts.byRoute['PUT /api/:spaceId/variables/:id']).toBe(1);
    expect(counts.byMethod.POST).toBeUndefined();
    expect(documentNamed(await to.documents([LIBRARY]), 'library-variable-sets', 'Common Settings')).toEqual(changed);
    const after = await rawSet(destination, 'libraryvariablesets', 'Common Settings');
    expect(secretOf(destination, after, 'Smtp.Password')).toBe(smtpSecret);
    expect(idsByIdentity(after)).toEqual(idsByIdentity(before));
    expect(destination.instance.store.secretValues().sort()).toEqual(secretsOf(wanted, 'dest').sort());

    // Removing the Production LogLevel removes it alone: the others keep their ids and secrets.
    const isProductionLogLevel = (v: JsonObject) => v.Name === 'LogLevel' && JSON.stringify(v.Scope) === JSON.stringify({ Environment: ['Production'] });
    expect(variablesOf(changed).filter(isProductionLogLevel)).toHaveLength(1);
    const removed = replaceVariables(changed, (vs) => vs.filter((v) => !isProductionLogLevel(v)));
    destination.knobs.resetCounts();
    await to.write([removed]);
    expect(destination.knobs.requestCounts().byMethod.PUT).toBe(1);
    expect(documentNamed(await to.documents([LIBRARY]), 'library-variable-sets', 'Common Settings')).toEqual(removed);
    const pruned = await rawSet(destination, 'libraryvariablesets', 'Common Settings');
    const production = (await to.live()).environments!.find((e) => e.Name === 'Production')!.Id;
    const remaining = new Map([...idsByIdentity(after)].filter(([key]) => key !== `LogLevel ${JSON.stringify({ Environment: [production] })}`));
    expect(remaining.size).toBe(idsByIdentity(after).size - 1);
    expect(idsByIdentity(pruned)).toEqual(remaining);
    expect(secretOf(destination, pruned, 'Smtp.Password')).toBe(smtpSecret);
    expect(destination.instance.store.secretValues().sort()).toEqual(secretsOf(wanted, 'dest').sort());

    // A new secret value replaces the old one (still one PUT).
    destination.knobs.resetCounts();
    await to.write([replaceVariables(removed, (vs) => vs.map((v) => (v.Name === 'Smtp.Password' ? { ...v, Value: 'rotated' } : v)))]);
    expect(destination.knobs.requestCounts().byMethod.PUT).toBe(1);
    expect(secretOf(destination, await rawSet(destination, 'libraryvariablesets', 'Common Settings'), 'Smtp.Password')).toBe('rotated');
  });

  it('write only the part of a library set or script module that changed', async () => {
    const { destination, from, to } = await setup();
    const wanted = await from.documents([MODULES, LIBRARY]);
    await to.write(wanted.map((doc) => withSecrets(doc, 'dest')));
    const retry = documentNamed(wanted, 'script-modules', 'Retry Helpers');
    const notifications = documentNamed(wanted, 'library-variable-sets', 'Notification Settings');
    const moduleIds = idsByIdentity(await rawSet(destination, 'libraryvariablesets', 'Retry Helpers'));

    const cases: { doc: KindDocument; routes: Record<string, number> }[] = [
      // The owner only.
      { doc: { ...notifications, body: { ...notifications.body, Description: 'Changed.' } }, routes: { 'PUT /api/:spaceId/libraryvariablesets/:id': 1 } },
      { doc: { ...retry, body: { ...retry.body, Description: 'Changed.' } }, routes: { 'PUT /api/:spaceId/libraryvariablesets/:id': 1 } },
      // The set only.
      { doc: { ...retry, body: { ...retry.body, Description: 'Changed.', ScriptBody: 'retry() { "$@"; }\n' } }, routes: { 'PUT /api/:spaceId/variables/:id': 1 } },
      // Both: the set's Version is read again after the owner is saved.
      {
        doc: { ...retry, body: { ...retry.body, Description: 'Both.', ScriptBody: 'retry() { "$@" || "$@"; }\n', Syntax: 'PowerShell' } },
        routes: { 'PUT /api/:spaceId/libraryvariablesets/:id': 1, 'PUT /api/:spaceId/variables/:id': 1, 'GET /api/:spaceId/variables/:id': 1 },
      },
    ];
    for (const { doc, routes } of cases) {
      destination.knobs.resetCounts();
      await to.write([doc]);
      // Writes, and reads of one variable set (the harness's own reads are space-wide).
      const writes = Object.fromEntries(Object.entries(destination.knobs.requestCounts().byRoute).filter(([route]) => !route.startsWith('GET ') || route === 'GET /api/:spaceId/variables/:id'));
      expect(writes, doc.name).toEqual(routes);
      expect(documentNamed(await to.documents([MODULES, LIBRARY]), doc.kind, doc.name)).toEqual(doc);
    }
    // The module's two variables kept their ids through every change.
    expect(idsByIdentity(await rawSet(destination, 'libraryvariablesets', 'Retry Helpers'))).toEqual(moduleIds);
    expect(destination.instance.store.secretValues().sort()).toEqual(secretsOf(wanted, 'dest').sort());
  });

  it('set a sensitive template default once, keep it (and the template ids) through later updates', async () => {
    const { destination, from, to } = await setup();
    const common = documentNamed(await from.documents([LIBRARY]), 'library-variable-sets', 'Common Settings');
    const pin = (DefaultValue: JsonObject) => ({
      ...common,
      body: { ...common.body, Templates: (common.body.Templates as JsonObject[]).map((t) => (t.Name === 'Customer.SupportPin' ? { ...t, DefaultValue } : t)) },
    });
    await to.write([withSecrets(pin({ HasValue: true, NewValue: 'pin-1234' }), 'dest')]);
    expect(destination.instance.store.secretValues()).toContain('pin-1234');
    const marked = pin({ HasValue: true });
    expect(documentNamed(await to.documents([LIBRARY]), 'library-variable-sets', 'Common Settings')).toEqual(marked);
    const templateIds = async () => ((await to.live()).libraryvariablesets!.find((s) => s.Name === 'Common Settings')!.Templates as JsonObject[]).map((t) => t.Id);
    const ids = await templateIds();

    destination.knobs.resetCounts();
    const described = { ...marked, body: { ...marked.body, Description: 'Changed.' } };
    await to.write([described]);
    expect(destination.knobs.requestCounts().byMethod.PUT).toBe(1);
    expect(documentNamed(await to.documents([LIBRARY]), 'library-variable-sets', 'Common Settings')).toEqual(described);
    expect(destination.instance.store.secretValues()).toContain('pin-1234');
    expect(await templateIds()).toEqual(ids);
  });

  it('remove a library variable set and a script module with their variable sets', async () => {
    const { destination, from, to } = await setup();
    const wanted = await from.documents([MODULES, LIBRARY]);
    await to.write(wanted.map((doc) => withSecrets(doc, 'dest')));
    const current = await to.documents([MODULES, LIBRARY]);
    const ctx = await writeContext(to);
    await LIBRARY.writer!.remove(documentNamed(current, 'library-variable-sets', 'Notification Settings'), ctx);
    await MODULES.writer!.remove(documentNamed(current, 'script-modules', 'Logging Helpers'), ctx);
    expect((await to.documents([MODULES, LIBRARY])).map((d) => d.name).sort()).toEqual(['Common Settings', 'Retry Helpers']);
    const sets = (await simHttp(destination).get(`${SPACE}/variables/all`)).body as JsonObject[];
    expect(sets.map((s) => s.OwnerId).sort()).toEqual((await to.live()).libraryvariablesets!.map((s) => s.Id).sort());
    // The Slack webhook went with its set.
    expect(destination.instance.store.secretValues()).not.toContain('dest-Slack.WebhookUrl-{}');
  });

  it('fail before writing anything when a name does not resolve in the destination', async () => {
    const { destination, from, to } = await setup();
    const wanted = await from.documents([MODULES, LIBRARY]);
    const common = documentNamed(wanted, 'library-variable-sets', 'Common Settings');
    const nowhere = replaceVariables(common, (vs) => [...vs, { Name: 'Lost', Scope: { Environment: ['Nowhere'] }, Type: 'String', Value: 'x' }]);

    destination.knobs.resetCounts();
    // Create: nothing is POSTed.
    await expect(LIBRARY.writer!.create(nowhere, await writeContext(to))).rejects.toThrow(WriteError);
    await expect(LIBRARY.writer!.create(nowhere, await writeContext(to))).rejects.toThrow(/Lost.*Nowhere|Nowhere/s);
    let counts = destination.knobs.requestCounts();
    expect(counts.byMethod.POST).toBeUndefined();
    expect(counts.byMethod.PUT).toBeUndefined();

    // Update: nothing is PUT, not even the owner whose own part changed.
    await to.write([common]);
    const current = documentNamed(await to.documents([LIBRARY]), 'library-variable-sets', 'Common Settings');
    destination.knobs.resetCounts();
    const both = { ...nowhere, body: { ...nowhere.body, Description: 'Changed too.' } };
    await expect(LIBRARY.writer!.update(both, current, await writeContext(to))).rejects.toThrow(WriteError);
    counts = destination.knobs.requestCounts();
    expect(counts.byMethod.POST).toBeUndefined();
    expect(counts.byMethod.PUT).toBeUndefined();
    expect(documentNamed(await to.documents([LIBRARY]), 'library-variable-sets', 'Common Settings')).toEqual(current);
  });
});

describe('project variables writer', () => {
  async function projectSetup(): Promise<SampleCopy & { wanted: KindDocument }> {
    const s = await setup();
    await createProject(simHttp(s.destination), 'Inventory Service');
    const wanted = documentNamed(await s.from.documents([PROJECT_VARIABLES]), 'project-variables', 'Inventory Service');
    return { ...s, wanted };
  }

  it('write a project\'s variables with their secrets in one PUT, read back equal, and write nothing the second time', async () => {
    const { destination, to, wanted } = await projectSetup();
    expect(variablesOf(wanted).length).toBeGreaterThan(3);
    destination.knobs.resetCounts();
    await to.write([withSecrets(wanted, 'dest')]);
    expect(destination.knobs.requestCounts().byMethod.PUT).toBe(1);
    expect(documentNamed(await to.documents([PROJECT_VARIABLES]), 'project-variables', 'Inventory Service')).toEqual(wanted);
    expect(destination.instance.store.secretValues()).toEqual(['dest-Inventory.DbPassword-{}']);

    destination.knobs.resetCounts();
    await to.write([wanted]);
    expect(destination.knobs.requestCounts().byMethod.PUT).toBeUndefined();
  });

  it('create the variables of a project created in the same apply', async () => {
    const { destination, from, to } = await setup();
    const wanted = documentNamed(await from.documents([PROJECT_VARIABLES]), 'project-variables', 'Legacy Reports');
    await createProject(simHttp(destination), 'Legacy Reports');
    destination.knobs.resetCounts();
    await PROJECT_VARIABLES.writer!.create(wanted, await writeContext(to));
    expect(destination.knobs.requestCounts().byMethod).toMatchObject({ PUT: 1 });
    expect(documentNamed(await to.documents([PROJECT_VARIABLES]), 'project-variables', 'Legacy Reports')).toEqual(wanted);

    // A project's set that ctx.live does not hold (its kind did not re-read `variables`) is read.
    await createProject(simHttp(destination), 'Fresh');
    const ctx = await writeContext(to);
    const stale = { ...ctx, live: { ...ctx.live, variables: [] } };
    const fresh = { ...wanted, name: 'Fresh', file: 'projects/fresh/variables.yaml', body: { ...wanted.body, Project: 'Fresh' } };
    await PROJECT_VARIABLES.writer!.create(fresh, stale);
    expect(documentNamed(await to.documents([PROJECT_VARIABLES]), 'project-variables', 'Fresh')).toEqual(fresh);

    // Nothing to write for a new project without variables.
    await createProject(simHttp(destination), 'Empty');
    destination.knobs.resetCounts();
    await PROJECT_VARIABLES.writer!.create({ ...fresh, name: 'Empty', body: { Project: 'Empty', Variables: [] } }, await writeContext(to));
    expect(destination.knobs.requestCounts().byMethod.PUT).toBeUndefined();
  });

  it('update one changed variable with one PUT, keep the secret given no value, remove only the removed variable', async () => {
    const { destination, to, wanted } = await projectSetup();
    await to.write([withSecrets(wanted, 'dest')]);
    const before = await rawSet(destination, 'projects', 'Inventory Service');
    expect(secretOf(destination, before, 'Inventory.DbPassword')).toBe('dest-Inventory.DbPassword-{}');

    const changed = replaceVariables(wanted, (vs) => vs.map((v) => (v.Name === 'Inventory.BaseUrl' ? { ...v, Value: 'http://inventory.example:5000' } : v)));
    destination.knobs.resetCounts();
    await to.write([changed]);
    const counts = destination.knobs.requestCounts();
    expect(counts.byMethod.PUT).toBe(1);
    expect(counts.byMethod.POST).toBeUndefined();
    expect(documentNamed(await to.documents([PROJECT_VARIABLES]), 'project-variables', 'Inventory Service')).toEqual(changed);
    const after = await rawSet(destination, 'projects', 'Inventory Service');
    expect(idsByIdentity(after)).toEqual(idsByIdentity(before));
    expect(secretOf(destination, after, 'Inventory.DbPassword')).toBe('dest-Inventory.DbPassword-{}');
    expect(after.Version).toBe(Number(before.Version) + 1);

    const removed = replaceVariables(changed, (vs) => vs.filter((v) => v.Name !== 'Inventory.BaseUrl'));
    destination.knobs.resetCounts();
    await to.write([removed]);
    expect(destination.knobs.requestCounts().byMethod.PUT).toBe(1);
    expect(documentNamed(await to.documents([PROJECT_VARIABLES]), 'project-variables', 'Inventory Service')).toEqual(removed);
    const pruned = await rawSet(destination, 'projects', 'Inventory Service');
    const remaining = new Map([...idsByIdentity(after)].filter(([key]) => !key.startsWith('Inventory.BaseUrl ')));
    expect(idsByIdentity(pruned)).toEqual(remaining);
    expect(secretOf(destination, pruned, 'Inventory.DbPassword')).toBe('dest-Inventory.DbPassword-{}');
  });

  it('remove empties the set while the project exists, and does nothing once it is gone', async () => {
    const { destination, to, wanted } = await projectSetup();
    await to.write([withSecrets(wanted, 'dest')]);
    const current = documentNamed(await to.documents([PROJECT_VARIABLES]), 'project-variables', 'Inventory Service');
    destination.knobs.resetCounts();
    await PROJECT_VARIABLES.writer!.remove(current, await writeContext(to));
    expect(destination.knobs.requestCounts().byMethod.PUT).toBe(1);
    expect(documentNamed(await to.documents([PROJECT_VARIABLES]), 'project-variables', 'Inventory Service').body.Variables).toEqual([]);
    expect(destination.instance.store.secretValues()).toEqual([]);

    const ctx = await writeContext(to);
    destination.knobs.resetCounts();
    await PROJECT_VARIABLES.writer!.remove(current, { ...ctx, live: { ...ctx.live, projects: [] } });
    expect(destination.knobs.requestCounts().total).toBe(0);
  });

  it('fail before writing anything when a scope or the project does not resolve', async () => {
    const { destination, to, wanted } = await projectSetup();
    await to.write([wanted]);
    const current = documentNamed(await to.documents([PROJECT_VARIABLES]), 'project-variables', 'Inventory Service');
    const nowhere = replaceVariables(wanted, (vs) => [...vs, { Name: 'Lost', Scope: { Environment: ['Nowhere'] }, Type: 'String', Value: 'x' }]);
    destination.knobs.resetCounts();
    await expect(PROJECT_VARIABLES.writer!.update(nowhere, current, await writeContext(to))).rejects.toThrow(WriteError);
    await expect(PROJECT_VARIABLES.writer!.create({ ...wanted, name: 'Missing', body: { ...wanted.body, Project: 'Missing' } }, await writeContext(to))).rejects.toThrow(WriteError);
    const counts = destination.knobs.requestCounts();
    expect(counts.byMethod.PUT).toBeUndefined();
    expect(counts.byMethod.POST).toBeUndefined();
  });
});
