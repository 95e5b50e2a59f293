// octosync accepts every snapshot it writes, of ordinary real data: each payload of
// `fixtures/real-world/` (real responses and exports from public sources, read in place from the
// reference data, never copied here) is created in a source simulator through its API, the source
// is snapshotted (which validates), planned and applied to an empty destination in one apply,
// and the destination snapshotted again. The two snapshots must be identical; a payload that
// cannot become a document says why below.
//
// The payloads come from other instances, so their ids mean nothing here: each is sent with the
// ids of what it refers to in the source simulator (`ids` below maps them), and what a payload
// refers to but the corpus does not hold (a lifecycle `Lifecycles-6`, environments
// `Environments-1/2/24`, ...) is created first as a stand-in named after the id it stands for.
import { afterAll, beforeAll, expect } from 'vitest';
import type { Json, JsonObject } from '../../src/core/document.js';
import { isObject } from '../../src/core/document.js';
import { runApply } from '../../src/commands/apply.js';
import { preparePlan } from '../../src/commands/plan.js';
import { listFiles, readFiles } from '../../src/repo/state-files.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { snapshotOf } from '../support/destinations.js';
import { stateRepo } from '../support/gitops.js';
import type { StateRepo } from '../support/gitops.js';
import { describeWithReferenceData, itWithReferenceData, listReferenceFiles, realWorld } from '../support/reference-data.js';
import { defaultProjectFields, simHttp } from '../support/sim-http.js';
import type { SimHttp } from '../support/sim-http.js';

/** What each corpus file became in the source, or why it is no document of a snapshot. */
const LOADED: Record<string, { document?: string; notADocument?: string }> = {
  '01-dtw2018-project-salestaxengine.json': { document: 'projects/salestaxengine/project.yaml' },
  '02-dtw2018-project-financeportal-clone.json': { document: 'projects/financeportal/project.yaml' },
  '03-dtw2018-deploymentprocess-projects-41.json': { document: 'projects/salestaxengine/deployment-process.yaml' },
  '04-dtw2018-variableset-projects-41.json': { document: 'projects/salestaxengine/variables.yaml' },
  '05-dtw2018-tenantvariables-tenants-1.json': { document: 'tenants/tenant-1.yaml' },
  '06-dtw2018-team-everyone-system.json': { notADocument: 'a system team (server-wide): never synced, referred to by name' },
  '07-gooctopus-lifecycle-41.json': { document: 'lifecycles/test.yaml' },
  '08-copilot-cloud2024-teams-spaces-1765.json': { document: 'teams/dev-team.yaml' },
  '09-dtw-sampleexport-deploymentprocess-projects-4.json': { document: 'projects/myco-webmain/deployment-process.yaml' },
  '10-dtw-sampleexport-project-projects-4-donorpackagestepid.json': { document: 'projects/myco-webmain/project.yaml' },
  '11-portdocs-cloud2024.3-project-sample.json': { document: 'projects/sample-project/project.yaml' },
  '12-portdocs-cloud2024.3-space-default.json': { notADocument: 'a space: spaces are where documents live, never documents themselves' },
  '13-library-steptemplate-firebase-deploy-2020.2.json': { document: 'step-templates/firebase-deploy.yaml' },
  '14-helpoctopus-tenantvariables-tenants-104.json': { document: 'tenants/topic-ent-999.yaml' },
};

/** Fields only a server sets, or that only an export has (`$Meta`, the Library's `Category`). */
const NOT_SENT = ['Id', 'Links', 'SpaceId', 'LastModifiedOn', 'LastModifiedBy', 'Slug', 'Version', '$Meta', 'Category'];

let source: Simulator;
let destination: Simulator;
let repo: StateRepo;
/** Recorded id → the source simulator's id of what stands for it. */
const ids = new Map<string, string>();

describeWithReferenceData('the real-world corpus', () => {
  beforeAll(async () => {
    // The recorded tenant variables are legacy resources: the source takes them through the
    // legacy API; the destination is a 2026 server with the scoped one.
    source = await startSimulator({ seed: 'empty', tenantVariableScoping: false });
    destination = await startSimulator({ seed: 'empty' });
    repo = await stateRepo();
    await loadCorpus(simHttp(source));
  });

  afterAll(async () => {
    await source?.close();
    await destination?.close();
    await repo?.cleanup();
  });

  itWithReferenceData('covers every file of the corpus', () => {
    expect(listReferenceFiles('fixtures/real-world').filter((file) => file.endsWith('.json'))).toEqual(Object.keys(LOADED));
  });

  itWithReferenceData('is snapshotted (and validated), planned and applied to an empty destination in one apply, and snapshots again identically', async () => {
    await repo.snapshot(source);
    const files = (await listFiles(repo.dir)).filter((file) => file.startsWith('spaces/default/'));
    for (const [file, loaded] of Object.entries(LOADED)) if (loaded.document) expect(files, file).toContain(`spaces/default/${loaded.document}`);
    // No id of any instance is written.
    const texts = await readFiles(repo.dir, files);
    for (const [file, text] of texts) expect(text, file).not.toMatch(/\b(Projects|Environments|Lifecycles|ProjectGroups|LibraryVariableSets|Feeds|Teams|Tenants|Users)-\d+\b|feeds-builtin|teams-everyone/);

    await repo.writeDestination('empty', { server: destination.url, apiKey: { env: 'DEST_KEY' }, branch: 'source', missingSecrets: 'placeholder' });
    const env = { DEST_KEY: destination.apiKey };
    const planned = await preparePlan({ repo: repo.dir, destination: 'empty', env });
    await planned.client.close();
    expect(planned.plan.problems).toEqual([]);
    expect((await runApply({ repo: repo.dir, destination: 'empty', env })).result).toBe('success');
    const again = await preparePlan({ repo: repo.dir, destination: 'empty', env });
    await again.client.close();
    expect(again.plan.changes.map((change) => `${change.action} ${change.kind} ${change.name}`)).toEqual([]);

    const [want, got] = [await snapshotOf(source), await snapshotOf(destination)];
    expect([...got.keys()]).toEqual([...want.keys()]);
    const differing = [...want.keys()].filter((file) => want.get(file) !== got.get(file));
    expect(differing).toEqual([]);
  });
});

/** Creates every corpus payload in the source, in the order what they refer to needs. */
async function loadCorpus(http: SimHttp): Promise<void> {
  const space = '/api/Spaces-1';
  const send = async (method: 'POST' | 'PUT', path: string, body: Json): Promise<JsonObject> => {
    const response = method === 'POST' ? await http.post(`${space}/${path}`, body) : await http.put(`${space}/${path}`, body);
    expect(response.status, `${method} ${path}: ${response.text}`).toBe(method === 'POST' ? 201 : 200);
    return response.body as JsonObject;
  };
  const standIn = async (recordedId: string, collection: string, body: JsonObject) => ids.set(recordedId, String((await send('POST', collection, { Name: `Stand-in for ${recordedId.replace('-', ' ')}`, ...body })).Id));
  const defaults = await defaultProjectFields(http);
  // The built-ins the 2018 server and Octopus Cloud gave their ids to.
  for (const recorded of ['ProjectGroups-1']) ids.set(recorded, defaults.ProjectGroupId);
  for (const recorded of ['Lifecycles-1']) ids.set(recorded, defaults.LifecycleId);

  // What the corpus refers to but does not hold.
  for (const environment of ['Environments-1', 'Environments-2', 'Environments-24']) await standIn(environment, 'environments', {});
  for (const group of ['ProjectGroups-2', 'ProjectGroups-9']) await standIn(group, 'projectgroups', {});
  for (const lifecycle of ['Lifecycles-2', 'Lifecycles-6']) await standIn(lifecycle, 'lifecycles', {});
  for (const set of ['LibraryVariableSets-7', 'LibraryVariableSets-41']) await standIn(set, 'libraryvariablesets', { ContentType: 'Variables' });

  // 07: a lifecycle whose phases name environments.
  await send('POST', 'lifecycles', remap(realWorld('07-gooctopus-lifecycle-41.json')));

  // 13: a Library step template with a Package parameter (PackageId and FeedId null).
  await send('POST', 'actiontemplates', remap(realWorld('13-library-steptemplate-firebase-deploy-2020.2.json')));

  // 01, 03, 04: a project, its process and its variables (a sensitive variable without its value).
  const salesTax = await createProject(send, realWorld('01-dtw2018-project-salestaxengine.json'));
  await replaceOwned(http, send, `deploymentprocesses/${String(salesTax.DeploymentProcessId)}`, realWorld('03-dtw2018-deploymentprocess-projects-41.json'), 'Steps');
  await replaceOwned(http, send, `variables/${String(salesTax.VariableSetId)}`, realWorld('04-dtw2018-variableset-projects-41.json'), 'Variables');

  // 02: its clone, including a library variable set.
  await createProject(send, realWorld('02-dtw2018-project-financeportal-clone.json'));

  // 09 then 10: a process (its action keeps the recorded GUID) and the project versioned from it.
  const recordedWebMain = realWorld('10-dtw-sampleexport-project-projects-4-donorpackagestepid.json');
  const webMain = await createProject(send, { ...recordedWebMain, VersioningStrategy: { Template: '#{Octopus.Version.NextPatch}', DonorPackageStepId: null }, ReleaseCreationStrategy: null });
  await replaceOwned(http, send, `deploymentprocesses/${String(webMain.DeploymentProcessId)}`, realWorld('09-dtw-sampleexport-deploymentprocess-projects-4.json'), 'Steps');
  const storedWebMain = (await http.get(`${space}/projects/${String(webMain.Id)}`)).body as JsonObject;
  await send('PUT', `projects/${String(webMain.Id)}`, { ...storedWebMain, VersioningStrategy: recordedWebMain.VersioningStrategy ?? null, ReleaseCreationStrategy: recordedWebMain.ReleaseCreationStrategy ?? null });

  // 11: a 2024 Cloud project.
  await createProject(send, realWorld('11-portdocs-cloud2024.3-project-sample.json'));

  // 05: a tenant of TestProj2 (Projects-22, not recorded: a tenanted stand-in) with its variables.
  const testProj2 = await send('POST', 'projects', { Name: 'TestProj2', ...defaults, TenantedDeploymentMode: 'TenantedOrUntenanted' });
  ids.set('Projects-22', String(testProj2.Id));
  await tenantWithVariables(http, send, realWorld('05-dtw2018-tenantvariables-tenants-1.json'), { Projects: { 'Projects-22': ['Environments-24'] } });

  // 14: a tenant of a project including "Git Branching Support" (LibraryVariableSets-82).
  const recorded14 = realWorld('14-helpoctopus-tenantvariables-tenants-104.json');
  const entry = (recorded14.LibraryVariables as JsonObject)['LibraryVariableSets-82'] as JsonObject;
  const branching = await send('POST', 'libraryvariablesets', { Name: entry.LibraryVariableSetName ?? null, ContentType: 'Variables', Templates: strip(entry.Templates ?? []) });
  ids.set('LibraryVariableSets-82', String(branching.Id));
  const modules = await send('POST', 'projects', { Name: 'Branch modules', ...defaults, TenantedDeploymentMode: 'TenantedOrUntenanted', IncludedLibraryVariableSetIds: [String(branching.Id)] });
  ids.set('Projects-104-connection', String(modules.Id));
  await tenantWithVariables(http, send, recorded14, { Projects: { 'Projects-104-connection': ['Environments-1'] } });

  // 06 and 12: the system team Everyone and the Default space, written back as recorded (they
  // are not documents: see LOADED).
  const everyone = realWorld('06-dtw2018-team-everyone-system.json');
  const storedEveryone = (await http.get('/api/teams/teams-everyone')).body as JsonObject;
  expect((await http.put('/api/teams/teams-everyone', { ...storedEveryone, ...strip(everyone), MemberUserIds: storedEveryone.MemberUserIds ?? [] })).status).toBe(200);
  const storedSpace = (await http.get('/api/spaces/Spaces-1')).body as JsonObject;
  const recordedSpace = realWorld('12-portdocs-cloud2024.3-space-default.json');
  expect((await http.put('/api/spaces/Spaces-1', { ...storedSpace, ...strip(recordedSpace), SpaceManagersTeams: storedSpace.SpaceManagersTeams ?? [], SpaceManagersTeamMembers: storedSpace.SpaceManagersTeamMembers ?? [] })).status).toBe(200);

  // 08: two teams of a Cloud space and its space managers team (members are users of that
  // instance, never synced: left out).
  for (const team of realWorld<JsonObject[]>('08-copilot-cloud2024-teams-spaces-1765.json')) {
    const body = { ...strip(team), MemberUserIds: [] };
    if (String(team.Id).startsWith('teams-spacemanagers-')) {
      const stored = (await http.get(`${space}/teams/teams-spacemanagers-Spaces-1`)).body as JsonObject;
      await send('PUT', 'teams/teams-spacemanagers-Spaces-1', { ...stored, ...body, MemberUserIds: stored.MemberUserIds ?? [] });
    } else {
      await send('POST', 'teams', body);
    }
  }
}

type Send = (method: 'POST' | 'PUT', path: string, body: Json) => Promise<JsonObject>;

/** POSTs a recorded project with its references remapped; its owned documents come with it. */
async function createProject(send: Send, recorded: JsonObject): Promise<JsonObject> {
  const { VariableSetId: _set, DeploymentProcessId: _process, ClonedFromProjectId, ...body } = recorded;
  const created = await send('POST', 'projects', remap({ ...body, ClonedFromProjectId: ClonedFromProjectId ?? null }));
  ids.set(String(recorded.Id), String(created.Id));
  return created;
}

/** PUTs a recorded owned document's list (`Steps`, `Variables`) over the source's own document. */
async function replaceOwned(http: SimHttp, send: Send, path: string, recorded: JsonObject, field: string): Promise<void> {
  const stored = (await http.get(`/api/Spaces-1/${path}`)).body as JsonObject;
  await send('PUT', path, { ...stored, [field]: remap(recorded[field] ?? []) });
}

/** Creates the recorded tenant connected as `connections` says, then PUTs its recorded variables. */
async function tenantWithVariables(http: SimHttp, send: Send, recorded: JsonObject, connections: { Projects: Record<string, string[]> }): Promise<void> {
  const ProjectEnvironments = Object.fromEntries(Object.entries(connections.Projects).map(([project, environments]) => [ids.get(project) ?? project, environments.map((e) => ids.get(e) ?? e)]));
  const tenant = await send('POST', 'tenants', { Name: recorded.TenantName ?? null, ProjectEnvironments });
  ids.set(String(recorded.TenantId), String(tenant.Id));
  const path = `tenants/${String(tenant.Id)}/variables`;
  const current = (await http.get(`/api/Spaces-1/${path}`)).body as JsonObject;
  const values = remap({ ProjectVariables: recorded.ProjectVariables ?? {}, LibraryVariables: recorded.LibraryVariables ?? {} }) as JsonObject;
  await send('PUT', path, { ...current, ...values, TenantId: tenant.Id ?? null });
}

/** A recorded payload with its ids replaced by the source's (keys too) and server fields dropped at the top. */
function remap(value: Json): Json {
  const swap = (text: string) => ids.get(text) ?? text;
  const walk = (item: Json): Json => {
    if (typeof item === 'string') return swap(item);
    if (Array.isArray(item)) return item.map(walk);
    if (isObject(item)) return Object.fromEntries(Object.entries(item).map(([key, child]) => [swap(key), walk(child)]));
    return item;
  };
  return strip(walk(value));
}

/** Drops the fields only a server sets (at the top level). */
function strip<T extends Json>(value: T): T {
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => !NOT_SENT.includes(key))) as T;
}
