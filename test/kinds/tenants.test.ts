import { describe, expect, it } from 'vitest';
import type { Json, JsonObject, KindDocument, LiveSpace } from '../../src/core/document.js';
import { IdResolver, NameResolver, buildRefTable } from '../../src/core/refs.js';
import { tenantVariablesPayload, tenants } from '../../src/kinds/tenants/index.js';
import { scopedVariablesPayloads } from '../../src/kinds/tenants/variables.js';
import type { Simulator } from '../../src/simulator/index.js';
import { loadSchemas } from '../../src/validate/schemas.js';
import { byFile, fixturesIn, idsIn, kindChecks, simulatorsClosedAfterEach } from '../support/kind-checks.js';
import { readLive } from '../support/live.js';
import { defaultProjectFields, simHttp } from '../support/sim-http.js';
import { itWithReferenceData, recorded2018, recordedProjects22Owner } from '../support/reference-data.js';

const fixture = fixturesIn(new URL('./tenants/fixtures/', import.meta.url));
const recordedTenant = recorded2018<JsonObject>('tenant');
const recorded: LiveSpace = {
  tenants: [recordedTenant],
  projects: [{ ...recordedProjects22Owner }],
  environments: [recorded2018<JsonObject>('environment')],
};
const captured: LiveSpace = {
  tenants: fixture<JsonObject[]>('tenants-all-simulator.json'),
  tenantvariables: fixture<JsonObject[]>('tenantvariables-all-simulator.json'),
  projects: fixture<JsonObject[]>('projects-all-simulator.json'),
  environments: fixture<JsonObject[]>('environments-all-simulator.json'),
  libraryvariablesets: fixture<JsonObject[]>('libraryvariablesets-all-simulator.json'),
};
const tagSets = fixture<JsonObject[]>('tagsets-all-simulator.json');
/** Names in the recorded data that look like ids but are names. */
const RECORDED_NAMES = ['Tenant-1', 'Test-1'];
const secret = { HasValue: true };

const simulator = simulatorsClosedAfterEach();
const { readDocuments } = kindChecks(tenants, 'tenants');

describe('tenants kind', () => {
  itWithReferenceData('normalizes a recorded real response into a document with its connections by name', () => {
    const names = new NameResolver(buildRefTable(recorded));
    const docs = tenants.toDocuments(recorded, names);
    expect(docs).toEqual([
      { kind: 'tenants', name: 'Tenant-1', file: 'tenants/tenant-1.yaml', body: { Name: 'Tenant-1', ProjectEnvironments: { TestProj2: ['Test-1'] }, TenantTags: [] } },
    ]);
    expect(names.problems).toEqual([]);
    expect(docs.flatMap((doc) => idsIn(doc.body, { names: RECORDED_NAMES }))).toEqual([]);
  });

  it('writes tenant variable values by project, environment, set and template name, and secrets only as markers', () => {
    const names = new NameResolver(buildRefTable(captured));
    const docs = tenants.toDocuments(captured, names);
    expect(names.problems).toEqual([]);
    expect(docs.find((doc) => doc.name === 'Acme Corp')).toEqual({
      kind: 'tenants',
      name: 'Acme Corp',
      file: 'tenants/acme-corp.yaml',
      body: {
        Name: 'Acme Corp',
        Description: 'Our first customer.',
        IsDisabled: false,
        ProjectEnvironments: { 'Customer Portal': ['Production', 'Staging', 'Test'] },
        TenantTags: ['Region/EU', 'Tier/Gold'],
        Variables: {
          LibraryVariableSets: { 'Common Settings': { 'Customer.ContactEmail': 'it@acme.example', 'Customer.SupportPin': secret } },
          // Template → values, each for the environments it lists (a secret per environment, since secrets cannot be compared).
          Projects: {
            'Customer Portal': {
              'Portal.LicenseKey': [
                { Value: secret, Environments: ['Production'] },
                { Value: secret, Environments: ['Staging'] },
                { Value: secret, Environments: ['Test'] },
              ],
              'Portal.Subdomain': [
                { Value: 'acme', Environments: ['Production'] },
                { Value: 'acme-staging', Environments: ['Staging'] },
                { Value: 'acme-test', Environments: ['Test'] },
              ],
            },
          },
        },
      },
    });
    expect(docs.flatMap((doc) => idsIn(doc.body))).toEqual([]);
  });

  it('never writes a secret, whatever form the server sends it in', () => {
    const [acme] = captured.tenantvariables ?? [];
    const variables = structuredClone(acme!);
    const library = (variables.LibraryVariables as JsonObject)['LibraryVariableSets-1'] as JsonObject;
    library.Variables = {
      '58de2d00-99de-5050-9704-36417b051499': { IsSensitive: false, Value: 'it@acme.example', SensitiveValue: null },
      'b65d7ccf-60cd-5690-8c9b-b3fd9ec5941c': { IsSensitive: true, Value: 'leaked-pin', SensitiveValue: { HasValue: true, NewValue: 'leaked-pin-2', Hint: 'lea' } },
    };
    const live: LiveSpace = { ...captured, tenantvariables: [variables] };
    const [doc] = tenants.toDocuments(live, new NameResolver(buildRefTable(live)));
    expect((doc?.body.Variables as JsonObject).LibraryVariableSets).toEqual({ 'Common Settings': { 'Customer.ContactEmail': 'it@acme.example', 'Customer.SupportPin': secret } });
    expect(JSON.stringify(doc)).not.toMatch(/leaked|lea"/);
  });

  describe.each([
    [
      'the legacy API',
      false,
      [
        "tenant 'Acme Corp' Variables.Projects.Customer Portal.Portal.LicenseKey (Production)",
        "tenant 'Acme Corp' Variables.Projects.Customer Portal.Portal.LicenseKey (Staging)",
        "tenant 'Acme Corp' Variables.Projects.Customer Portal.Portal.LicenseKey (Test)",
        "tenant 'Acme Corp' Variables.LibraryVariableSets.Common Settings.Customer.SupportPin",
      ],
    ],
    [
      'the scoped API',
      true,
      [
        "tenant 'Acme Corp' Variables.LibraryVariableSets.Common Settings.Customer.SupportPin",
        "tenant 'Acme Corp' Variables.Projects.Customer Portal.Portal.LicenseKey (Production)",
        "tenant 'Acme Corp' Variables.Projects.Customer Portal.Portal.LicenseKey (Staging)",
        "tenant 'Acme Corp' Variables.Projects.Customer Portal.Portal.LicenseKey (Test)",
      ],
    ],
  ] as const)('through %s', (_, scoped, secretProblems) => {
    it('creates tenants and their variables in a fresh server, asks for the secrets it cannot keep, and reads back the same documents', async () => {
      const sim = await simulator(undefined, { tenantVariableScoping: scoped });
      await createDependencies(sim);
      const docs = tenants.toDocuments(captured, new NameResolver(buildRefTable(captured)));
      const http = simHttp(sim);

      // The tenant resource first; its variables once it is connected.
      let ids = new IdResolver(buildRefTable(await readLive(sim, tenants.reads)));
      for (const doc of docs) expect((await http.post('/api/Spaces-1/tenants', tenants.toPayload(doc, ids))).status).toBe(201);
      expect(ids.problems).toEqual([]);

      // The destination holds no secret yet: every marker is a problem until an overlay supplies it.
      ids = new IdResolver(buildRefTable(await readLive(sim, tenants.reads)));
      const acme = docs.find((doc) => doc.name === 'Acme Corp')!;
      await variablesPayload(sim, acme, ids, scoped);
      expect(ids.problems.map((problem) => problem.where)).toEqual(secretProblems);
      expect(ids.problems[0]?.message).toBe('is a secret the destination does not hold; supply it through the destination overlay');

      // With the overlay's values (here: made up), every tenant's variables are accepted.
      ids = new IdResolver(buildRefTable(await readLive(sim, tenants.reads)));
      for (const doc of docs) await putVariables(sim, withSecrets(doc, 'overlay-secret'), ids, scoped);
      expect(ids.problems).toEqual([]);
      expect(await readDocuments(sim)).toEqual(byFile(docs));
      expect(sim.instance.store.secretValues()).toEqual(['overlay-secret']);

      // Applying the snapshot again keeps the destination's secrets and changes nothing.
      ids = new IdResolver(buildRefTable(await readLive(sim, tenants.reads)));
      for (const doc of docs) await putVariables(sim, doc, ids, scoped);
      expect(ids.problems).toEqual([]);
      expect(await readDocuments(sim)).toEqual(byFile(docs));
      expect(sim.instance.store.secretValues()).toEqual(['overlay-secret']);
    });

    it('removes values the document no longer gives, so the template default applies', async () => {
      const sim = await simulator(undefined, { tenantVariableScoping: scoped });
      await createDependencies(sim);
      const [globex] = tenants.toDocuments(captured, new NameResolver(buildRefTable(captured))).filter((doc) => doc.name === 'Globex');
      let ids = new IdResolver(buildRefTable(await readLive(sim, tenants.reads)));
      expect((await simHttp(sim).post('/api/Spaces-1/tenants', tenants.toPayload(globex!, ids))).status).toBe(201);
      ids = new IdResolver(buildRefTable(await readLive(sim, tenants.reads)));
      await putVariables(sim, withSecrets(globex!, 'key'), ids, scoped);
      const fewer = structuredClone(globex!);
      const portal = ((fewer.body.Variables as JsonObject).Projects as JsonObject)['Customer Portal'] as JsonObject;
      expect(portal['Portal.MaxUsers']).toBeDefined();
      delete portal['Portal.MaxUsers'];
      await putVariables(sim, fewer, ids, scoped);
      expect(ids.problems).toEqual([]);
      expect((await readDocuments(sim)).find((doc) => doc.name === 'Globex')).toEqual(fewer);
    });
  });

  it('names the document and field of a reference the destination lacks', () => {
    const doc: KindDocument = {
      kind: 'tenants',
      name: 'Acme Corp',
      file: 'tenants/acme-corp.yaml',
      body: { Name: 'Acme Corp', ProjectEnvironments: { 'Customer Portal': ['Production', 'Moon'], Nope: [] }, TenantTags: ['Tier/Gold'] },
    };
    const ids = new IdResolver(buildRefTable(captured));
    expect(tenants.toPayload(doc, ids)).toEqual({ Name: 'Acme Corp', ProjectEnvironments: { 'Projects-4': ['Environments-4', ''], '': [] }, TenantTags: ['Tier/Gold'] });
    expect(ids.problems).toEqual([
      { where: "tenant 'Acme Corp' ProjectEnvironments.Customer Portal", message: "refers to environment 'Moon', which does not exist in the destination" },
      { where: "tenant 'Acme Corp' ProjectEnvironments", message: "refers to project 'Nope', which does not exist in the destination" },
    ]);

    const current = captured.tenantvariables?.[0] as JsonObject;
    const variables: KindDocument = {
      ...doc,
      body: {
        Name: 'Acme Corp',
        Variables: {
          Projects: {
            'Customer Portal': { 'Portal.Colour': [{ Value: 'red', Environments: ['Production'] }], 'Portal.Subdomain': [{ Value: 'acme-dev', Environments: ['Dev'] }] },
            'Payments API': { X: [{ Value: 'y', Environments: ['Production'] }] },
          },
          LibraryVariableSets: { 'Common Settings': { 'Customer.ContactEmail': 'a@b.example' } },
        },
      },
    };
    const forVariables = new IdResolver(buildRefTable(captured));
    tenantVariablesPayload(variables, forVariables, current);
    expect(forVariables.problems).toEqual([
      { where: "tenant 'Acme Corp' Variables.Projects.Customer Portal.Portal.Colour (Production)", message: "refers to template 'Portal.Colour', which does not exist in the destination" },
      { where: "tenant 'Acme Corp' Variables.Projects.Customer Portal.Portal.Subdomain", message: "the tenant is not connected to project 'Customer Portal' in environment 'Dev' in the destination" },
      {
        where: "tenant 'Acme Corp' Variables.Projects.Payments API",
        message: "the tenant has no variables for project 'Payments API' in the destination (not connected, or the project has no templates)",
      },
    ]);
  });

  it('names the tenant and field of an id or template the source cannot resolve', () => {
    const variables = structuredClone((captured.tenantvariables ?? [])[0]!);
    (((variables.LibraryVariables as JsonObject)['LibraryVariableSets-1'] as JsonObject).Variables as JsonObject)['0e6e4d4b-0000-0000-0000-000000000000'] = 'orphan';
    const live: LiveSpace = { ...captured, tenants: [{ ...(captured.tenants ?? [])[0]!, ProjectEnvironments: { 'Projects-4': ['Environments-404'] } }], tenantvariables: [variables] };
    const names = new NameResolver(buildRefTable(live));
    tenants.toDocuments(live, names);
    expect(names.problems).toEqual([
      { where: "tenant 'Acme Corp' ProjectEnvironments.Customer Portal", message: "refers to environments 'Environments-404', which does not exist on the server" },
      {
        where: "tenant 'Acme Corp' Variables.LibraryVariableSets.Common Settings",
        message: "has a value for template '0e6e4d4b-0000-0000-0000-000000000000', which does not exist on the server; the value is dropped",
      },
    ]);
  });

  it('lists the names a document refers to, with pointers that escape slashes', () => {
    const doc: KindDocument = {
      kind: 'tenants',
      name: 'Acme',
      file: 'tenants/acme.yaml',
      body: {
        Name: 'Acme',
        TenantTags: ['Tier/Gold'],
        ProjectEnvironments: { 'Web/Shop': ['Production'] },
        Variables: { Projects: { 'Web/Shop': { Key: [{ Value: 'x', Environments: ['Production'] }] } }, LibraryVariableSets: { Common: { Email: 'a@b.example' } } },
      },
    };
    expect(tenants.references?.(doc)).toEqual([
      { pointer: '/TenantTags/0', kind: 'tag-sets', name: 'Tier/Gold' },
      { pointer: '/ProjectEnvironments/Web~1Shop', kind: 'projects', name: 'Web/Shop' },
      { pointer: '/ProjectEnvironments/Web~1Shop/0', kind: 'environments', name: 'Production' },
      { pointer: '/Variables/Projects/Web~1Shop', kind: 'projects', name: 'Web/Shop' },
      { pointer: '/Variables/Projects/Web~1Shop/Key/0/Environments/0', kind: 'environments', name: 'Production' },
      { pointer: '/Variables/LibraryVariableSets/Common', kind: 'library-variable-sets', name: 'Common' },
    ]);
  });

  it('writes the same documents whatever order the server lists tenants, tags and connections in', () => {
    const shuffled: LiveSpace = {
      ...captured,
      tenants: [...(captured.tenants ?? [])].reverse().map((tenant) => ({
        ...tenant,
        TenantTags: [...(tenant.TenantTags as Json[])].reverse(),
        ProjectEnvironments: Object.fromEntries(Object.entries(tenant.ProjectEnvironments as JsonObject).map(([project, environments]) => [project, [...(environments as Json[])].reverse()])),
      })),
      tenantvariables: [...(captured.tenantvariables ?? [])].reverse(),
      environments: [...(captured.environments ?? [])].reverse(),
    };
    const docs = (live: LiveSpace) => byFile(tenants.toDocuments(live, new NameResolver(buildRefTable(live))));
    expect(JSON.stringify(docs(shuffled))).toBe(JSON.stringify(docs(captured)));
  });

  itWithReferenceData('documents satisfy the schema; ids, secret values and unknown variable sections do not', () => {
    const schemas = loadSchemas();
    for (const doc of [...tenants.toDocuments(captured, new NameResolver(buildRefTable(captured))), ...tenants.toDocuments(recorded, new NameResolver(buildRefTable(recorded)))]) {
      expect(schemas.validate('tenants', doc.body)).toEqual([]);
    }
    expect(schemas.validate('tenants', { Name: 'Acme', SomethingNewer: 1 })).toEqual([]);
    expect(schemas.validate('tenants', { Name: 'Acme', ClonedFromTenantId: 'Tenants-1' })).not.toEqual([]);
    expect(schemas.validate('tenants', { Name: 'Acme', ProjectEnvironments: { Shop: 'Production' } })).not.toEqual([]);
    expect(schemas.validate('tenants', { Name: 'Acme', Variables: { LibraryVariableSets: { Common: { Pin: { HasValue: true, NewValue: '1234' } } } } })).not.toEqual([]);
    expect(schemas.validate('tenants', { Name: 'Acme', Variables: { Common: {} } })).not.toEqual([]);
    expect(schemas.validate('tenants', { Name: 'Acme', TenantTags: ['Gold'] })).not.toEqual([]);
  });

  it('writes every tenant of the sample instance, with no secret and no id', async () => {
    const sim = await simulator('sample');
    const live = await readLive(sim, tenants.reads);
    const names = new NameResolver(buildRefTable(live));
    const docs = tenants.toDocuments(live, names);
    expect(names.problems).toEqual([]);
    expect(docs.map((doc) => doc.name).sort()).toEqual((live.tenants ?? []).map((tenant) => String(tenant.Name)).sort());
    expect(docs.length).toBeGreaterThan(0);
    expect(docs.flatMap((doc) => idsIn(doc.body))).toEqual([]);
    const text = JSON.stringify(docs);
    expect(sim.instance.store.secretValues().length).toBeGreaterThan(0);
    for (const value of sim.instance.store.secretValues()) expect(text).not.toContain(value);
  });
});

/** Environments, tag sets, library variable sets and projects (with their templates) the captured tenants need. */
async function createDependencies(target: Simulator): Promise<void> {
  const http = simHttp(target);
  const withoutIds = (templates: Json | undefined) => ((templates ?? []) as JsonObject[]).map((template) => ({ ...template, Id: undefined }));
  for (const environment of captured.environments ?? []) expect((await http.post('/api/Spaces-1/environments', { Name: environment.Name })).status).toBe(201);
  for (const tagSet of tagSets) {
    expect((await http.post('/api/Spaces-1/tagsets', { Name: tagSet.Name, Tags: (tagSet.Tags as JsonObject[]).map((tag) => ({ Name: tag.Name })) })).status).toBe(201);
  }
  const setIds = new Map<string, string>();
  for (const set of captured.libraryvariablesets ?? []) {
    const created = await http.post('/api/Spaces-1/libraryvariablesets', { Name: set.Name, ContentType: set.ContentType, Templates: withoutIds(set.Templates) });
    expect(created.status).toBe(201);
    setIds.set(String(set.Id), created.body.Id);
  }
  for (const project of captured.projects ?? []) {
    const IncludedLibraryVariableSetIds = (project.IncludedLibraryVariableSetIds as string[]).map((id) => setIds.get(id));
    const body = {
      Name: project.Name,
      ...(await defaultProjectFields(http)),
      TenantedDeploymentMode: project.TenantedDeploymentMode,
      Templates: withoutIds(project.Templates),
      IncludedLibraryVariableSetIds,
    };
    expect((await http.post('/api/Spaces-1/projects', body)).status).toBe(201);
  }
}

/** The bodies apply would PUT for a tenant's variables, from the destination's current values (legacy: one; scoped: common and project). */
async function variablesPayload(target: Simulator, doc: KindDocument, ids: IdResolver, scoped: boolean): Promise<[string, Json][]> {
  const http = simHttp(target);
  const id = ids.table.idOf('tenants', doc.name) ?? '';
  const base = `/api/Spaces-1/tenants/${id}`;
  if (!scoped) return [[`${base}/variables`, tenantVariablesPayload(doc, ids, (await http.get(`${base}/variables`)).body)]];
  const current = { common: (await http.get(`${base}/commonvariables`)).body, project: (await http.get(`${base}/projectvariables`)).body };
  const payloads = scopedVariablesPayloads(doc.name, id, 'Spaces-1', doc.body.Variables, ids, current);
  return [[`${base}/commonvariables`, payloads.common], [`${base}/projectvariables`, payloads.project]];
}

/** PUTs a tenant's variables as apply does: built from the destination's current values. */
async function putVariables(target: Simulator, doc: KindDocument, ids: IdResolver, scoped: boolean): Promise<void> {
  for (const [path, body] of await variablesPayload(target, doc, ids, scoped)) {
    // Re-read between the two scoped writes: the tenant's concurrency token covers both.
    const fresh = scoped && path.endsWith('/projectvariables') ? (await variablesPayload(target, doc, ids, scoped))[1]?.[1] : body;
    const response = await simHttp(target).put(path, fresh);
    expect(response.status, response.text).toBe(200);
  }
}

/** The document with every secret marker replaced by a value, as a destination overlay supplies it. */
function withSecrets(doc: KindDocument, value: string): KindDocument {
  const fill = (node: Json): Json => {
    if (Array.isArray(node)) return node.map(fill);
    if (node === null || typeof node !== 'object') return node;
    if (node.HasValue === true) return { NewValue: value };
    return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, fill(item)]));
  };
  return { ...doc, body: fill(doc.body) as JsonObject };
}
