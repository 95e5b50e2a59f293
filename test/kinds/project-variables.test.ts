import { describe, expect, it } from 'vitest';
import type { Json, JsonObject, KindDocument, LiveSpace } from '../../src/core/document.js';
import { asArray } from '../../src/core/document.js';
import { IdResolver, buildRefTable } from '../../src/core/refs.js';
import { uniqueSlugs } from '../../src/core/slug.js';
import { projectVariables } from '../../src/kinds/project-variables/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { SAMPLE_CERTIFICATE_PEM } from '../../src/simulator/seeds/sample-certificate.js';
import { idsIn, isolatedSchemaErrors, kindChecks, namesIn, simulatorsClosedAfterEach } from '../support/kind-checks.js';
import { readLive } from '../support/live.js';
import { createProject, postCreated, simHttp } from '../support/sim-http.js';
import type { SimHttp } from '../support/sim-http.js';
import { itWithReferenceData, recorded2018, recordedProjects22Owner } from '../support/reference-data.js';


/** Recorded responses of one 2018.11.2 server (see fixtures/README.md). */
const recorded: LiveSpace = {
  projects: [recorded2018('project'), { ...recordedProjects22Owner }],
  variables: [recorded2018('variableset-project-sensitive'), recorded2018('variableset-project-scoped')],
  environments: [recorded2018('environment')],
  channels: [recorded2018('channel')],
  deploymentprocesses: [recorded2018('deploymentprocess')],
  tenants: [recorded2018('tenant')],
};

const SPACE = '/api/Spaces-1';

const simulator = simulatorsClosedAfterEach();
const schemaErrors = isolatedSchemaErrors('project-variables', ['common', 'variables']);
const { documentsOf } = kindChecks(projectVariables, 'variables');

function variablesOf(doc: KindDocument | undefined): JsonObject[] {
  return (doc?.body.Variables ?? []) as JsonObject[];
}

describe('project-variables kind', () => {
  itWithReferenceData('normalizes recorded variable sets into documents with names, without ids or secrets', () => {
    const { docs, names } = documentsOf(recorded);
    expect(names.problems).toEqual([]);
    expect(docs).toEqual([
      {
        kind: 'project-variables',
        name: 'TestProj1',
        file: 'projects/testproj1/variables.yaml',
        body: {
          Project: 'TestProj1',
          Variables: [
            { Name: 'SqlPwd', Type: 'String', Value: 'Ooops - not encrypted!' },
            { Name: 'Var1', Type: 'String', Value: 'ABC' },
            { Name: 'Var2', Type: 'String', Value: '123' },
            { Name: 'Var3', Type: 'String', Value: '#{Test-Var-3}' },
            { Name: 'Var4-Escape', Type: 'String', Value: 'Dan\'s Value" needs escape!' },
            { Name: 'Var5-Sensi', IsSensitive: true, Type: 'Sensitive' },
          ],
        },
      },
      {
        kind: 'project-variables',
        name: 'TestProj2',
        file: 'projects/testproj2/variables.yaml',
        body: {
          Project: 'TestProj2',
          Variables: [
            { Name: 'TP2-Proj-Var1', Type: 'String', Value: 'Meow meow again' },
            { Name: 'TP2-Proj-Var1', Scope: { Environment: ['Test-1'] }, Type: 'String', Value: 'No meow here' },
            { Name: 'TP2-Sensitive', IsSensitive: true, Type: 'Sensitive' },
          ],
        },
      },
    ]);
    for (const doc of docs) {
      expect(idsIn(doc.body, { names: namesIn(recorded) })).toEqual([]);
      expect(schemaErrors(doc.body)).toEqual([]);
      expect(variablesOf(doc).filter((v) => v.IsSensitive === true && 'Value' in v)).toEqual([]);
    }
  });

  itWithReferenceData('writes every scope and typed value by name (recorded resources, added variables)', () => {
    const set = recorded2018('variableset-project-scoped');
    const variable = (name: string, scope: JsonObject, extra: JsonObject = {}): JsonObject => ({
      Id: `00000000-0000-0000-0000-${String(name.length).padStart(12, '0')}`,
      Name: name,
      Value: 'x',
      Description: null,
      Scope: scope,
      IsEditable: true,
      Prompt: null,
      Type: 'String',
      IsSensitive: false,
      ...extra,
    });
    const live: LiveSpace = {
      ...recorded,
      variables: [
        recorded2018('variableset-project-sensitive'),
        {
          ...set,
          Variables: [
            variable('Channel', { Channel: ['Channels-21'] }),
            variable('Step', { Action: ['6bce4124-2427-46fa-8547-f8a36c8935be'] }),
            variable('Tenant', { Tenant: ['Tenants-1'], TenantTag: ['Region/EU', 'Hosting/Cloud'], Role: ['web', 'TestRole'] }),
            variable('Owner', { ProcessOwner: ['Projects-22'] }),
            variable('Machine', { Machine: ['Machines-1'] }),
            variable('Certificate', {}, { Type: 'Certificate', Value: 'Certificates-1' }),
            variable('Account', {}, { Type: 'AzureAccount', Value: 'Accounts-7' }),
            variable('Pool', {}, { Type: 'WorkerPool', Value: 'WorkerPools-2' }),
            variable('Expression', {}, { Type: 'Certificate', Value: '#{Shared.Certificate}' }),
            variable('Locked', { Environment: [] }, { IsEditable: false, Description: 'kept', Prompt: { Label: 'Ask', Description: null, Required: true, DisplaySettings: {} } }),
          ],
        },
      ],
      machines: [{ Id: 'Machines-1', Name: 'web01' }],
      certificates: [{ Id: 'Certificates-1', Name: 'Web TLS' }],
      accounts: [{ Id: 'Accounts-7', Name: 'Azure Prod' }],
      workerpools: [{ Id: 'WorkerPools-2', Name: 'Linux' }],
    };
    const { docs, names } = documentsOf(live);
    expect(names.problems).toEqual([]);
    const doc = docs.find((d) => d.name === 'TestProj2');
    expect(variablesOf(doc)).toEqual([
      { Name: 'Account', Type: 'AzureAccount', Value: 'Azure Prod' },
      { Name: 'Certificate', Type: 'Certificate', Value: 'Web TLS' },
      { Name: 'Channel', Scope: { Channel: ['Default'] }, Type: 'String', Value: 'x' },
      { Name: 'Expression', Type: 'Certificate', Value: '#{Shared.Certificate}' },
      { Name: 'Locked', Description: 'kept', IsEditable: false, Prompt: { Label: 'Ask', DisplaySettings: {}, Required: true }, Type: 'String', Value: 'x' },
      { Name: 'Machine', Scope: { Machine: ['web01'] }, Type: 'String', Value: 'x' },
      { Name: 'Owner', Scope: { ProcessOwner: ['TestProj2'] }, Type: 'String', Value: 'x' },
      { Name: 'Pool', Type: 'WorkerPool', Value: 'Linux' },
      { Name: 'Step', Scope: { Action: ['Hello world again'] }, Type: 'String', Value: 'x' },
      { Name: 'Tenant', Scope: { Role: ['TestRole', 'web'], Tenant: ['Tenant-1'], TenantTag: ['Hosting/Cloud', 'Region/EU'] }, Type: 'String', Value: 'x' },
    ]);
    expect(idsIn(doc!.body, { names: namesIn(live) })).toEqual([]);
    expect(schemaErrors(doc!.body)).toEqual([]);
  });

  it('names runbook steps `<runbook>/<step>` and resolves both forms back to the right action', () => {
    const process = (id: string, projectId: string, actionId: string, extra: JsonObject = {}): JsonObject => ({
      Id: id,
      ProjectId: projectId,
      ...extra,
      Steps: [{ Id: `step-${actionId}`, Name: 'Smoke test', Actions: [{ Id: actionId, Name: 'Smoke test' }] }],
    });
    const live: LiveSpace = {
      projects: [{ Id: 'Projects-1', Name: 'Shop', VariableSetId: 'variableset-Projects-1', DeploymentProcessId: 'deploymentprocess-Projects-1' }],
      runbooks: [{ Id: 'Runbooks-1', Name: 'Nightly', ProjectId: 'Projects-1', RunbookProcessId: 'RunbookProcess-Runbooks-1' }],
      deploymentprocesses: [
        process('deploymentprocess-Projects-1', 'Projects-1', 'a-deploy'),
        // A release snapshot of the process: the same project, another (older) action id.
        process('deploymentprocess-Projects-1-s-1-ABCDE', 'Projects-1', 'a-snapshot'),
      ],
      runbookProcesses: [process('RunbookProcess-Runbooks-1', 'Projects-1', 'a-runbook', { RunbookId: 'Runbooks-1' })],
      variables: [
        {
          Id: 'variableset-Projects-1',
          OwnerId: 'Projects-1',
          Version: 1,
          Variables: [
            { Id: 'v1', Name: 'Timeout', Value: '1', Scope: { Action: ['a-deploy'] }, Type: 'String' },
            { Id: 'v2', Name: 'Timeout', Value: '2', Scope: { Action: ['a-runbook'] }, Type: 'String' },
            { Id: 'v3', Name: 'Token', Value: null, Scope: { ProcessOwner: ['Runbooks-1', 'Projects-1'] }, Type: 'Sensitive', IsSensitive: true },
          ],
        },
      ],
    };
    const { docs, names } = documentsOf(live);
    expect(names.problems).toEqual([]);
    expect(variablesOf(docs[0])).toEqual([
      { Name: 'Timeout', Scope: { Action: ['Nightly/Smoke test'] }, Type: 'String', Value: '2' },
      { Name: 'Timeout', Scope: { Action: ['Smoke test'] }, Type: 'String', Value: '1' },
      { Name: 'Token', IsSensitive: true, Scope: { ProcessOwner: ['Nightly', 'Shop'] }, Type: 'Sensitive' },
    ]);
    const ids = new IdResolver(buildRefTable(live));
    const payload = projectVariables.variableSetPayload(docs[0]!, ids);
    expect(ids.problems).toEqual([]);
    // The existing set came from the table: same ids back, its Version carried.
    expect(payload).toMatchObject({ Id: 'variableset-Projects-1', OwnerId: 'Projects-1', Version: 1 });
    expect((payload.Variables as JsonObject[]).map((v) => [v.Id, v.Scope])).toEqual([
      ['v2', { Action: ['a-runbook'] }],
      ['v1', { Action: ['a-deploy'] }],
      ['v3', { ProcessOwner: ['Runbooks-1', 'Projects-1'] }],
    ]);
  });

  it('reports a scope that names something missing, naming the variable and the value, and never widens it', async () => {
    const dest = await simulator('sample');
    const live = await readLive(dest, projectVariables.reads);
    const doc: KindDocument = {
      kind: 'project-variables',
      name: 'Web Shop',
      file: 'projects/web-shop/variables.yaml',
      body: {
        Project: 'Web Shop',
        Variables: [
          { Name: 'Db', Scope: { Environment: ['Production', 'Nowhere'] }, Type: 'String', Value: 'x' },
          { Name: 'Step', Scope: { Action: ['No such step'], Channel: ['Gone'], TenantTag: ['Region/Mars'] }, Type: 'String', Value: 'y' },
          { Name: 'Cert', Type: 'Certificate', Value: 'Lost certificate' },
        ],
      },
    };
    const ids = new IdResolver(buildRefTable(live));
    const payload = projectVariables.toPayload(doc, ids);
    expect(ids.problems).toEqual([
      { where: "project variables 'Web Shop' variable 'Db' Environment scope", message: "refers to environment 'Nowhere', which does not exist in the destination" },
      { where: "project variables 'Web Shop' variable 'Step' Action scope", message: "refers to step 'No such step', which is in no process of project 'Web Shop' in the destination" },
      { where: "project variables 'Web Shop' variable 'Step' Channel scope", message: "refers to channel 'Gone', which does not exist in the destination" },
      { where: "project variables 'Web Shop' variable 'Step' TenantTag scope", message: "refers to tenant tag 'Region/Mars', which does not exist in the destination" },
      { where: "project variables 'Web Shop' variable 'Cert' Value", message: "refers to certificate 'Lost certificate', which does not exist in the destination" },
    ]);
    const [db] = payload.Variables as JsonObject[];
    expect((db!.Scope as JsonObject).Environment).toEqual([expect.stringMatching(/^Environments-\d+$/), 'Nowhere']);
  });

  it('gives the same documents whatever order the server lists things in', async () => {
    const sim = await simulator('sample');
    const live = await readLive(sim, projectVariables.reads);
    const shuffled: LiveSpace = Object.fromEntries(
      Object.entries(live).map(([collection, resources]) => [
        collection,
        shuffle(resources).map((resource) =>
          collection === 'variables' ? { ...resource, Variables: shuffle(resource.Variables as JsonObject[]).map(shuffleScope) } : resource,
        ),
      ]),
    );
    const byFile = (docs: KindDocument[]) => [...docs].sort((a, b) => (a.file < b.file ? -1 : 1));
    const expected = documentsOf(live).docs;
    expect(expected.some((doc) => variablesOf(doc).length > 5)).toBe(true);
    expect(byFile(documentsOf(shuffled).docs)).toEqual(byFile(expected));
  });

  it('snapshots every project of the sample instance without ids or secrets', async () => {
    const sim = await simulator('sample');
    const live = await readLive(sim, projectVariables.reads);
    const { docs, names } = documentsOf(live);
    expect(names.problems).toEqual([]);
    const slugs = uniqueSlugs((live.projects ?? []).map((p) => String(p.Name)));
    expect(docs.map((d) => d.file).sort()).toEqual([...slugs].map(([, slug]) => `projects/${slug}/variables.yaml`).sort());
    // A version-controlled project whose variables are in its repository: its sensitive ones only.
    expect(variablesOf(docs.find((d) => d.name === 'Pet Clinic')).map((v) => [v.Name, v.IsSensitive])).toEqual([
      ['Clinic.ApiKey', true],
      ['Clinic.SmtpPassword', true],
    ]);
    const text = JSON.stringify(docs);
    const secrets = sim.instance.store.secretValues();
    expect(secrets.length).toBeGreaterThan(0);
    expect(secrets.filter((secret) => text.includes(secret))).toEqual([]);
    for (const doc of docs) {
      expect(idsIn(doc.body, { names: namesIn(live) })).toEqual([]);
      expect(schemaErrors(doc.body)).toEqual([]);
      expect(variablesOf(doc).filter((v) => v.IsSensitive === true && 'Value' in v)).toEqual([]);
    }
    // The sample's scopes by name: channels, steps, process owners, certificates.
    const webShop = variablesOf(docs.find((d) => d.name === 'Web Shop'));
    expect(webShop).toContainEqual({ Name: 'SmokeTest.TimeoutSeconds', Scope: { Action: ['Run smoke tests'] }, Type: 'String', Value: '60' });
    expect(webShop).toContainEqual({ Name: 'Website.Certificate', Scope: { Environment: ['Production', 'Staging'] }, Type: 'Certificate', Value: 'Web Shop TLS' });
  });

  itWithReferenceData('puts a recorded document into a fresh simulator and reads it back equal', async () => {
    const dest = await simulator('empty');
    const http = simHttp(dest);
    await http.post(`${SPACE}/environments`, { Name: 'Production' }); // ids differ from the recorded ones
    await http.post(`${SPACE}/environments`, { Name: 'Test-1' });
    await createProject(http, 'TestProj2');
    const doc = documentsOf(recorded).docs.find((d) => d.name === 'TestProj2')!;

    // Create case: no existing set known, the caller adds the set's Id and Version.
    const bare = await readLive(dest, projectVariables.reads.filter((c) => c !== 'variables'));
    const ids = new IdResolver(buildRefTable(bare));
    const payload = projectVariables.toPayload(doc, ids);
    expect(ids.problems).toEqual([]);
    expect(payload).not.toHaveProperty('Version');
    const set = (await http.get(`${SPACE}/projects/${String(payload.OwnerId)}/variables`)).body as JsonObject;
    const put = await http.put(`${SPACE}/variables/${String(set.Id)}`, { ...payload, Id: set.Id, Version: set.Version });
    expect(put.status, put.text).toBe(200);

    const after = await readLive(dest, projectVariables.reads);
    expect(documentsOf(after).docs).toEqual([doc]);
  });

  describe('against a destination cloned by name from the sample instance', () => {
    it('applies every sample project document and reads each back equal', async () => {
      const source = await simulator('sample');
      const dest = await simulator('empty');
      await cloneByName(source, dest);
      const sourceLive = await readLive(source, projectVariables.reads);
      // Only database projects are cloned (see cloneByName).
      const inGit = new Set((sourceLive.projects ?? []).filter((p) => p.IsVersionControlled === true).map((p) => String(p.Name)));
      const expected = documentsOf(sourceLive).docs.filter((doc) => !inGit.has(doc.name));
      const http = simHttp(dest);
      for (const doc of expected) {
        const live = await readLive(dest, projectVariables.reads);
        const ids = new IdResolver(buildRefTable(live));
        const payload = projectVariables.variableSetPayload(doc, ids);
        expect(ids.problems).toEqual([]);
        expect(payload.Version).toEqual(expect.any(Number));
        const put = await http.put(`${SPACE}/variables/${String(payload.Id)}`, payload);
        expect(put.status, put.text).toBe(200);
      }
      const { docs, names } = documentsOf(await readLive(dest, projectVariables.reads));
      expect(names.problems).toEqual([]);
      expect(docs).toEqual(expected);
    });

    it('keeps a sensitive variable\'s secret when the payload is built with the existing set', async () => {
      const source = await simulator('sample');
      const dest = await simulator('empty');
      await cloneByName(source, dest);
      const doc = documentsOf(await readLive(source, projectVariables.reads)).docs.find((d) => d.name === 'Payments API')!;
      const http = simHttp(dest);
      const apply = async (body: KindDocument['body'], withExisting: boolean) => {
        const live = await readLive(dest, projectVariables.reads);
        const ids = new IdResolver(buildRefTable(live));
        const project = (live.projects ?? []).find((p) => p.Name === 'Payments API')!;
        const existing = (live.variables ?? []).find((s) => s.Id === project.VariableSetId)!;
        const payload = withExisting
          ? projectVariables.variableSetPayload({ ...doc, body }, ids, existing)
          : { ...projectVariables.toPayload({ ...doc, body }, new IdResolver(buildRefTable({ ...live, variables: [] }))), Id: existing.Id, Version: existing.Version };
        const put = await http.put(`${SPACE}/variables/${String(existing.Id)}`, payload);
        expect(put.status, put.text).toBe(200);
        return put.body as JsonObject;
      };
      const secretsOf = (set: JsonObject) =>
        (set.Variables as JsonObject[]).filter((v) => v.IsSensitive === true).map((v) => dest.instance.store.readSecret(`${String(set.Id)}:${String(v.Id)}`));

      // An overlay supplies the values (the document in Git never has them).
      let n = 0;
      const supplied = {
        ...doc.body,
        Variables: variablesOf(doc).map((v) => (v.IsSensitive === true ? { ...v, Value: `dest-secret-${(n += 1)}` } : v)),
      };
      const first = await apply(supplied, true);
      expect(secretsOf(first).sort()).toEqual(['dest-secret-1', 'dest-secret-2', 'dest-secret-3']);

      // The document as Git holds it, no values: the existing set's ids keep every secret.
      const second = await apply(doc.body, true);
      expect(secretsOf(second)).toEqual(secretsOf(first));
      expect((second.Variables as JsonObject[]).map((v) => v.Id).sort()).toEqual((first.Variables as JsonObject[]).map((v) => v.Id).sort());
      expect(documentsOf(await readLive(dest, projectVariables.reads)).docs.find((d) => d.name === 'Payments API')).toEqual(doc);

      // Without the existing set there are no ids to match, and the server wipes the secrets:
      // why apply must pass it.
      const third = await apply(doc.body, false);
      expect(secretsOf(third)).toEqual([undefined, undefined, undefined]);
    });
  });

  it('keeps the sample instance\'s own secrets on a no-op PUT', async () => {
    const sim = await simulator('sample');
    const before = sim.instance.store.secretValues().sort();
    const live = await readLive(sim, projectVariables.reads);
    const http = simHttp(sim);
    for (const doc of documentsOf(live).docs) {
      const ids = new IdResolver(buildRefTable(live));
      const payload = projectVariables.variableSetPayload(doc, ids);
      expect(ids.problems).toEqual([]);
      const put = await http.put(`${SPACE}/variables/${String(payload.Id)}`, payload);
      expect(put.status, put.text).toBe(200);
    }
    expect(sim.instance.store.secretValues().sort()).toEqual(before);
    expect(documentsOf(await readLive(sim, projectVariables.reads)).docs).toEqual(documentsOf(live).docs);
  });

  itWithReferenceData('writes only the sensitive variables of a version-controlled project whose variables are in Git', () => {
    const [project] = recorded.projects ?? [];
    const cac = { ...project, IsVersionControlled: true, PersistenceSettings: { Type: 'VersionControlled', ConversionState: { VariablesAreInGit: true, RunbooksAreInGit: false } } };
    const converting = { ...cac, PersistenceSettings: { Type: 'VersionControlled', ConversionState: { VariablesAreInGit: false } } };
    // The recorded set as if it still held every variable: the document keeps its sensitive ones.
    const sensitive = { Id: 'sensitive-1', Name: 'Db.Password', Type: 'Sensitive', IsSensitive: true, Value: null, Scope: {} };
    const sets = (recorded.variables ?? []).map((set) => (set.Id === project?.VariableSetId ? { ...set, Variables: [...asArray(set.Variables), sensitive] } : set));
    const [inGit] = documentsOf({ ...recorded, variables: sets, projects: [cac as JsonObject] }).docs;
    const [all] = documentsOf({ ...recorded, variables: sets, projects: [converting as JsonObject] }).docs;
    expect(variablesOf(all).filter((v) => v.IsSensitive !== true).length).toBeGreaterThan(0);
    expect(variablesOf(inGit)).toContainEqual({ Name: 'Db.Password', IsSensitive: true, Type: 'Sensitive' });
    expect(variablesOf(inGit)).toEqual(variablesOf(all).filter((v) => v.IsSensitive === true));
  });

  it('lists the names a document refers to, for validate', () => {
    const doc: KindDocument = {
      kind: 'project-variables',
      name: 'Shop',
      file: 'projects/shop/variables.yaml',
      body: {
        Project: 'Shop',
        Variables: [
          { Name: 'A', Scope: { Environment: ['Production'], Channel: ['Hotfix'], TenantTag: ['Region/EU'], Machine: ['web01'], Role: ['web'] }, Type: 'String', Value: '' },
          { Name: 'B', Scope: { ProcessOwner: ['Shop', 'Nightly'], Tenant: ['Acme'], Action: ['Deploy'] }, Type: 'Certificate', Value: 'Shop TLS' },
          { Name: 'C', Type: 'AmazonWebServicesAccount', Value: 'AWS' },
          { Name: 'D', Type: 'WorkerPool', Value: '#{Pool}' },
        ],
      },
    };
    expect(projectVariables.references?.(doc)).toEqual([
      { pointer: '/Project', kind: 'projects', name: 'Shop' },
      { pointer: '/Variables/0/Scope/Environment/0', kind: 'environments', name: 'Production' },
      { pointer: '/Variables/0/Scope/Channel/0', kind: 'channels', name: 'Hotfix', project: 'Shop' },
      { pointer: '/Variables/0/Scope/TenantTag/0', kind: 'tag-sets', name: 'Region/EU' },
      { pointer: '/Variables/0/Scope/Machine/0', kind: 'deployment-targets', name: 'web01' },
      { pointer: '/Variables/1/Value', kind: 'certificates', name: 'Shop TLS' },
      { pointer: '/Variables/1/Scope/ProcessOwner/0', kind: 'projects', name: 'Shop' },
      { pointer: '/Variables/1/Scope/ProcessOwner/1', kind: 'runbooks', name: 'Nightly', project: 'Shop' },
      { pointer: '/Variables/1/Scope/Tenant/0', kind: 'tenants', name: 'Acme' },
      { pointer: '/Variables/2/Value', kind: 'accounts', name: 'AWS' },
    ]);
  });

  it.each([
    ['a sensitive variable with a Value', { Name: 'S', IsSensitive: true, Type: 'Sensitive', Value: 'leak' }],
    ['a Type: Sensitive variable with a Value', { Name: 'S', Type: 'Sensitive', Value: 'leak' }],
    ['a variable with an Id', { Id: '54655063-a823-fa09-7801-767a2b212bda', Name: 'V', Type: 'String', Value: '' }],
    ['an unknown scope field', { Name: 'V', Type: 'String', Value: '', Scope: { Planet: ['Mars'] } }],
    ['an empty scope list', { Name: 'V', Type: 'String', Value: '', Scope: { Environment: [] } }],
  ])('the schema rejects %s', (_what, variable) => {
    expect(schemaErrors({ Project: 'P', Variables: [variable] })).not.toEqual([]);
  });

  it('the schema accepts a variable field from a newer server', () => {
    expect(schemaErrors({ Project: 'P', Variables: [{ Name: 'V', Type: 'String', Value: '', NewerField: { x: 1 } }] })).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Helpers.

function shuffle<T>(items: readonly T[]): T[] {
  // Deterministic: reverse, then move every other item to the end.
  const reversed = [...items].reverse();
  return [...reversed.filter((_, i) => i % 2 === 0), ...reversed.filter((_, i) => i % 2 === 1)];
}

function shuffleScope(variable: JsonObject): JsonObject {
  const scope = (variable.Scope ?? {}) as JsonObject;
  return { ...variable, Scope: Object.fromEntries(Object.entries(scope).reverse().map(([field, values]) => [field, shuffle(values as Json[])])) };
}

/**
 * Makes `dest` hold, by name, what the source's project variables refer to: environments (in
 * another order, so ids differ), worker pools, tag sets, tenants, certificates, accounts,
 * deployment targets, projects with their channels, steps and runbooks. Steps are reduced to
 * their names (a script action), which is all a variable's scope needs.
 */
async function cloneByName(source: Simulator, dest: Simulator): Promise<void> {
  const src = simHttp(source);
  const dst = simHttp(dest);
  const all = async (http: SimHttp, path: string) => (await http.get(`${SPACE}/${path}`)).body as JsonObject[];
  const post = (path: string, body: Record<string, unknown>): Promise<JsonObject> => postCreated(dst, `${SPACE}/${path}`, body);
  const map = new Map<string, string>();
  const mapped = (ids: Json | undefined) => ((ids ?? []) as string[]).map((id) => map.get(id)).filter((id): id is string => id !== undefined);

  for (const env of [...(await all(src, 'environments/all'))].reverse()) map.set(String(env.Id), String((await post('environments', { Name: env.Name })).Id));
  const pools = await all(dst, 'workerpools/all');
  for (const pool of await all(src, 'workerpools/all')) {
    const same = pools.find((p) => p.Name === pool.Name);
    map.set(String(pool.Id), String(same ? same.Id : (await post('workerpools', { Name: pool.Name })).Id));
  }
  for (const tagSet of await all(src, 'tagsets/all')) {
    await post('tagsets', { Name: tagSet.Name, Tags: (tagSet.Tags as JsonObject[]).map((t) => ({ Name: t.Name, Color: t.Color })) });
  }
  for (const tenant of await all(src, 'tenants/all')) map.set(String(tenant.Id), String((await post('tenants', { Name: tenant.Name, TenantTags: tenant.TenantTags })).Id));
  for (const certificate of await all(src, 'certificates/all')) {
    const data = Buffer.from(SAMPLE_CERTIFICATE_PEM, 'utf8').toString('base64');
    map.set(String(certificate.Id), String((await post('certificates', { Name: certificate.Name, CertificateData: { HasValue: true, NewValue: data } })).Id));
  }
  for (const account of await all(src, 'accounts/all')) map.set(String(account.Id), String((await post('accounts', { Name: account.Name, AccountType: account.AccountType })).Id));
  for (const machine of await all(src, 'machines/all')) {
    const { Id: _id, SpaceId: _space, Links: _links, Slug: _slug, LastModifiedOn: _on, LastModifiedBy: _by, MachinePolicyId: _policy, ...rest } = machine;
    map.set(String(machine.Id), String((await post('machines', { ...rest, EnvironmentIds: mapped(machine.EnvironmentIds), TenantIds: mapped(machine.TenantIds) })).Id));
  }
  const channels = await all(src, 'channels/all');
  const runbooks = await all(src, 'runbooks/all');
  // Version-controlled projects keep their process in Git: the database projects are copied.
  for (const project of (await all(src, 'projects/all')).filter((p) => p.IsVersionControlled !== true)) {
    const copied = await createProject(dst, String(project.Name));
    for (const channel of channels.filter((c) => c.ProjectId === project.Id && c.IsDefault !== true)) {
      await post('channels', { Name: channel.Name, ProjectId: copied.Id });
    }
    await copySteps(src, dst, `deploymentprocesses/${String(project.DeploymentProcessId)}`, `deploymentprocesses/${String(copied.DeploymentProcessId)}`);
    for (const runbook of runbooks.filter((r) => r.ProjectId === project.Id)) {
      const copy = await post('runbooks', { Name: runbook.Name, ProjectId: copied.Id });
      await copySteps(src, dst, `runbookProcesses/${String(runbook.RunbookProcessId)}`, `runbookProcesses/${String(copy.RunbookProcessId)}`);
    }
  }
}

async function copySteps(src: SimHttp, dst: SimHttp, from: string, to: string): Promise<void> {
  const source = (await src.get(`${SPACE}/${from}`)).body as JsonObject;
  const target = (await dst.get(`${SPACE}/${to}`)).body as JsonObject;
  const steps = (source.Steps as JsonObject[]).map((step) => ({
    Name: step.Name,
    Properties: {},
    Actions: (step.Actions as JsonObject[]).map((action) => ({
      Name: action.Name,
      ActionType: 'Octopus.Script',
      Properties: { 'Octopus.Action.RunOnServer': 'true', 'Octopus.Action.Script.ScriptSource': 'Inline', 'Octopus.Action.Script.Syntax': 'Bash', 'Octopus.Action.Script.ScriptBody': 'true' },
    })),
  }));
  const put = await dst.put(`${SPACE}/${to}`, { ...target, Steps: steps });
  if (put.status !== 200) throw new Error(`PUT ${to}: ${put.status} ${put.text}`);
}
