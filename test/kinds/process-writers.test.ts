// The writers of step templates, deployment processes and runbooks copy a sample instance's
// documents into an empty one over real HTTP: a re-read gives the same documents, secrets the
// engine supplies land in the destination and survive later writes, a small change is one PUT,
// and a name that does not resolve fails before anything is written.
import { describe, expect, it } from 'vitest';
import type { JsonObject, KindDocument } from '../../src/core/document.js';
import { IdResolver, buildRefTable } from '../../src/core/refs.js';
import { secretSlots, setAtPointer } from '../../src/core/secrets.js';
import { deploymentProcessPayload } from '../../src/kinds/deployment-processes/index.js';
import { kindNamed } from '../../src/kinds/registry.js';
import { runbookProcessPayload } from '../../src/kinds/runbooks/index.js';
import type { Kind, KindWriter } from '../../src/kinds/types.js';
import { WriteError } from '../../src/kinds/writing.js';
import type { Simulator } from '../../src/simulator/index.js';
import { documentNamed } from '../support/kind-checks.js';
import { writesByRoute } from '../support/destinations.js';
import { createProcessDecoys, deploymentProcessOf, postCreated, defaultProjectFields, simHttp } from '../support/sim-http.js';
import type { SimHttp } from '../support/sim-http.js';
import { sampleAndEmptyPerTest, writeContext } from '../support/write-harness.js';
import type { Harness } from '../support/write-harness.js';

const kind = (name: string) => kindNamed(name) as Kind;
const STEP_TEMPLATES = kind('step-templates');
const DEPLOYMENT_PROCESSES = kind('deployment-processes');
const RUNBOOKS = kind('runbooks');
const MINE = [STEP_TEMPLATES, DEPLOYMENT_PROCESSES, RUNBOOKS];
/** Kinds the processes refer to that have writers of their own (the simple kinds). */
const PREREQUISITES = ['environments', 'worker-pools', 'tag-sets', 'feeds', 'lifecycles', 'project-groups'].map(kind);
const PROJECT = 'Web Shop';

const writerOf = (k: Kind): KindWriter => {
  if (!k.writer) throw new Error(`kind ${k.name} has no writer`);
  return k.writer;
};

const sampleAndEmpty = sampleAndEmptyPerTest();

interface Setup {
  source: Simulator;
  destination: Simulator;
  to: Harness;
  http: SimHttp;
  /** The sample's step templates, and Web Shop's deployment process and runbooks. */
  wanted: KindDocument[];
  /** The same documents with a value for every secret, as apply hands them to writers. */
  withSecrets: KindDocument[];
  /** The secret values supplied. */
  secrets: string[];
}

/**
 * A sample source and an empty destination where the same names get other ids (decoys are created
 * first), holding everything Web Shop's process refers to: the simple kinds through their
 * writers; the team, the project and its channels over plain HTTP (their kinds' writers are
 * written elsewhere).
 */
async function setUp(): Promise<Setup> {
  const { source, destination, from, to } = await sampleAndEmpty();
  const http = simHttp(destination);
  const post = (path: string, body: JsonObject): Promise<JsonObject> => postCreated(http, `/api/Spaces-1/${path}`, body);
  await createProcessDecoys(http);
  await to.write(await from.documents(PREREQUISITES));
  const sourceLive = await from.live();
  const sourceRefs = buildRefTable(sourceLive);
  const destinationRefs = buildRefTable(await to.live());
  const mapId = (collection: string, id: unknown): string | null => {
    if (typeof id !== 'string') return null;
    const name = sourceRefs.nameOf(collection, id);
    return name === undefined ? null : (destinationRefs.idOf(collection, name) ?? null);
  };
  await post('teams', { Name: 'Release Managers' });
  const sourceProject = (sourceLive.projects ?? []).find((project) => project.Name === PROJECT)!;
  const project = await post('projects', {
    Name: PROJECT,
    ProjectGroupId: mapId('projectgroups', sourceProject.ProjectGroupId),
    LifecycleId: mapId('lifecycles', sourceProject.LifecycleId),
  });
  for (const channel of (sourceLive.channels ?? []).filter((c) => c.ProjectId === sourceProject.Id && c.Name !== 'Default')) {
    await post('channels', { Name: String(channel.Name), ProjectId: String(project.Id), LifecycleId: mapId('lifecycles', channel.LifecycleId) });
  }

  await addSourceSecrets(simHttp(source));
  const wanted = (await from.documents(MINE)).filter(
    (doc) => doc.kind === 'step-templates' || (doc.kind === 'deployment-processes' && doc.name === PROJECT) || (doc.kind === 'runbooks' && doc.body.Project === PROJECT),
  );
  const secrets: string[] = [];
  const withSecrets = wanted.map((doc) => {
    let body = doc.body;
    for (const slot of secretSlots(doc.body)) {
      if (slot.form !== 'sensitive-value' || !slot.hasValue) continue;
      const value = `secret ${doc.kind}/${doc.name} ${slot.path}`;
      secrets.push(value);
      body = setAtPointer(body, slot.pointer, { HasValue: true, NewValue: value });
    }
    return { ...doc, body };
  });
  return { source, destination, to, http, wanted, withSecrets, secrets };
}

/**
 * The sample's runbooks have no secrets and its template no sensitive default: give the source
 * a sensitive runbook step property and a sensitive parameter default, so their secrets are
 * copied and kept too.
 */
async function addSourceSecrets(http: SimHttp): Promise<void> {
  const runbooks = (await http.get('/api/Spaces-1/runbooks/all')).body as JsonObject[];
  const restart = runbooks.find((r) => r.Name === 'Restart web servers')!;
  const path = `/api/Spaces-1/runbookProcesses/${String(restart.RunbookProcessId)}`;
  const process = (await http.get(path)).body as JsonObject;
  const action = actionsOf(process.Steps).get('Recycle application pool')!;
  action.Properties = { ...(action.Properties as JsonObject), 'Iis.AdminPassword': { HasValue: true, NewValue: 'source-only-secret' } };
  expect((await http.put(path, process)).status).toBe(200);

  const templates = (await http.get('/api/Spaces-1/actiontemplates/all')).body as JsonObject[];
  const slack = templates.find((t) => t.Name === 'Notify Slack')!;
  const parameters = (slack.Parameters as JsonObject[]).map((p) => (p.Name === 'Slack.WebhookUrl' ? { ...p, DefaultValue: { HasValue: true, NewValue: 'source-only-default' } } : p));
  expect((await http.put(`/api/Spaces-1/actiontemplates/${String(slack.Id)}`, { ...slack, Parameters: parameters })).status).toBe(200);
}

/** The destination's documents of my kinds that are among `wanted` (decoys left out). */
async function copied(setup: Setup): Promise<KindDocument[]> {
  const keys = new Set(setup.wanted.map(key));
  return sorted((await setup.to.documents(MINE)).filter((doc) => keys.has(key(doc))));
}

function key(doc: KindDocument): string {
  return `${doc.kind}/${doc.name}`.toLowerCase();
}

function sorted(docs: KindDocument[]): KindDocument[] {
  return [...docs].sort((a, b) => key(a).localeCompare(key(b)));
}

/** Writes through a kind's writer as apply does: update when the destination has the document, else create. */
async function writeOne(setup: Setup, k: Kind, doc: KindDocument): Promise<void> {
  const ctx = await writeContext(setup.to);
  const current = (await setup.to.documents([k])).find((d) => key(d) === key(doc));
  if (current) await writerOf(k).update(doc, current, ctx);
  else await writerOf(k).create(doc, ctx);
}

/** Every action of a process document or resource, by name. */
function actionsOf(steps: unknown): Map<string, JsonObject> {
  const result = new Map<string, JsonObject>();
  for (const step of steps as JsonObject[]) for (const action of step.Actions as JsonObject[]) result.set(String(action.Name), action);
  return result;
}

/** Replaces a line in one action's script body. */
function withScriptLine(steps: unknown, actionName: string, from: string, to: string): JsonObject[] {
  const copy = structuredClone(steps) as JsonObject[];
  const action = actionsOf(copy).get(actionName)!;
  const properties = action.Properties as JsonObject;
  const body = String(properties['Octopus.Action.Script.ScriptBody']);
  expect(body).toContain(from);
  properties['Octopus.Action.Script.ScriptBody'] = body.replace(from, to);
  return copy;
}

function identities(process: JsonObject): string[] {
  return (process.Steps as JsonObject[]).flatMap((step) => [
    `${String(step.Name)}=${String(step.Id)}`,
    ...(step.Actions as JsonObject[]).map((action) => `${String(action.Name)}=${String(action.Id)}`),
  ]);
}

describe('process payloads built over the destination\'s process', () => {
  it('keep what the document says over what the destination has, and the destination\'s Id and Version', () => {
    const ids = new IdResolver(buildRefTable({ projects: [{ Id: 'Projects-7', Name: PROJECT }] }));
    const existing: JsonObject = { Id: 'deploymentprocess-Projects-7', Version: 4, ProjectId: 'Projects-7', Steps: [], Notes: 'destination', Kept: 'destination' };
    const doc = (body: JsonObject): KindDocument => ({ kind: 'deployment-processes', name: PROJECT, file: 'x.yaml', body });
    expect(deploymentProcessPayload(doc({ Project: PROJECT, Steps: [], Notes: 'document', Kept: null }), ids, existing)).toEqual({
      Id: 'deploymentprocess-Projects-7',
      Version: 4,
      ProjectId: 'Projects-7',
      Steps: [],
      Notes: 'document',
      Kept: null,
    });
    const runbook = doc({ Name: 'Restart', Project: PROJECT, Process: { Steps: [], Notes: 'document' } });
    expect(runbookProcessPayload(runbook, ids, { ...existing, Id: 'RunbookProcess-Runbooks-1' })).toMatchObject({ Id: 'RunbookProcess-Runbooks-1', Version: 4, Notes: 'document' });
    expect(ids.problems).toEqual([]);
  });
});

describe('process writers (step templates, deployment processes, runbooks)', () => {
  it('copy the sample into an empty destination: a re-read gives the same documents, with the secrets supplied', async () => {
    const setup = await setUp();
    expect(setup.secrets.map((secret) => secret.replace(/^secret /, '')).sort()).toEqual([
      'deployment-processes/Web Shop Steps[Notify Slack].Actions[Notify Slack].Properties.Slack.WebhookUrl',
      'runbooks/Web Shop/Restart web servers Process.Steps[Recycle application pool].Actions[Recycle application pool].Properties.Iis.AdminPassword',
      'step-templates/Notify Slack Parameters[Slack.WebhookUrl].DefaultValue',
      'step-templates/Notify Slack Properties.Slack.WebhookUrl',
    ]);
    expect(setup.wanted.map(key).sort()).toEqual([
      'deployment-processes/web shop',
      'runbooks/web shop/purge cdn cache',
      'runbooks/web shop/restart web servers',
      'step-templates/notify slack',
    ]);

    await setup.to.write(setup.withSecrets);

    expect(await copied(setup)).toEqual(sorted(setup.wanted));
    expect(setup.destination.instance.store.secretValues().sort()).toEqual([...setup.secrets].sort());
    const documents = await setup.to.documents(MINE);
    expect(JSON.stringify(documents)).not.toContain('secret ');
  });

  it('writes the same documents again without secrets: step and action ids and secrets stay, one PUT per resource', async () => {
    const setup = await setUp();
    await setup.to.write(setup.withSecrets);
    const before = await deploymentProcessOf(setup.http, PROJECT);

    setup.destination.knobs.resetCounts();
    await setup.to.write(setup.wanted);

    const after = await deploymentProcessOf(setup.http, PROJECT);
    expect(identities(after)).toEqual(identities(before));
    expect(after.Version).toBe(Number(before.Version) + 1);
    expect(setup.destination.instance.store.secretValues().sort()).toEqual([...setup.secrets].sort());
    expect(await copied(setup)).toEqual(sorted(setup.wanted));
    // Unchanged runbooks are not written at all; the template and the process are (the harness
    // does not diff, and neither writer compares).
    expect(writesByRoute(setup.destination)).toEqual({
      'PUT /api/:spaceId/actiontemplates/:id': 1,
      'PUT /api/:spaceId/projects/:projectId/deploymentprocesses': 1,
    });
  });

  it('writes one changed script line as one PUT, and a runbook setting without its process', async () => {
    const setup = await setUp();
    await setup.to.write(setup.withSecrets);
    const current = await setup.to.documents(MINE);

    const process = documentNamed(setup.wanted, 'deployment-processes', PROJECT);
    const changed = { ...process, body: { ...process.body, Steps: withScriptLine(process.body.Steps, 'Run smoke tests', 'Smoke tests passed', 'Smoke tests PASSED') } };
    setup.destination.knobs.resetCounts();
    await writerOf(DEPLOYMENT_PROCESSES).update(changed, documentNamed(current, 'deployment-processes', PROJECT), await writeContext(setup.to));
    expect(writesByRoute(setup.destination)).toEqual({ 'PUT /api/:spaceId/projects/:projectId/deploymentprocesses': 1 });
    expect(documentNamed(await setup.to.documents([DEPLOYMENT_PROCESSES]), 'deployment-processes', PROJECT)).toEqual(changed);
    expect(setup.destination.instance.store.secretValues().sort()).toEqual([...setup.secrets].sort());

    const runbook = documentNamed(setup.wanted, 'runbooks', `${PROJECT}/Restart web servers`);
    const runbookProcess = runbook.body.Process as JsonObject;
    const newScript = {
      ...runbook,
      body: { ...runbook.body, Process: { ...runbookProcess, Steps: withScriptLine(runbookProcess.Steps, 'Recycle application pool', 'Write-Step', 'Write-Highlight') } },
    };
    setup.destination.knobs.resetCounts();
    await writerOf(RUNBOOKS).update(newScript, documentNamed(current, 'runbooks', runbook.name), await writeContext(setup.to));
    expect(writesByRoute(setup.destination)).toEqual({ 'PUT /api/:spaceId/runbookProcesses/:id': 1 });
    expect(documentNamed(await setup.to.documents([RUNBOOKS]), 'runbooks', runbook.name)).toEqual(newScript);

    const newSettings = { ...newScript, body: { ...newScript.body, Description: 'Recycles every application pool.', Environments: ['Production'] } };
    setup.destination.knobs.resetCounts();
    await writerOf(RUNBOOKS).update(newSettings, documentNamed(await setup.to.documents([RUNBOOKS]), 'runbooks', runbook.name), await writeContext(setup.to));
    expect(writesByRoute(setup.destination)).toEqual({ 'PUT /api/:spaceId/runbooks/:id': 1 });
    expect(documentNamed(await setup.to.documents([RUNBOOKS]), 'runbooks', runbook.name)).toEqual(newSettings);

    // A field the document no longer has is cleared, not kept.
    const { Description: _dropped, ...withoutDescription } = newSettings.body;
    await writerOf(RUNBOOKS).update({ ...newSettings, body: withoutDescription }, documentNamed(await setup.to.documents([RUNBOOKS]), 'runbooks', runbook.name), await writeContext(setup.to));
    expect(documentNamed(await setup.to.documents([RUNBOOKS]), 'runbooks', runbook.name).body).toEqual(withoutDescription);
  });

  it("gives an action using a step template the destination template's id and Version", async () => {
    const setup = await setUp();
    const templates = setup.withSecrets.filter((doc) => doc.kind === 'step-templates');
    // Two more saves: the destination's template is at Version 2, the source's at 0.
    await setup.to.write(templates);
    await setup.to.write(templates);
    await setup.to.write(templates);
    await setup.to.write(setup.withSecrets.filter((doc) => doc.kind === 'deployment-processes'));

    const sourceTemplate = ((await simHttp(setup.source).get('/api/Spaces-1/actiontemplates/all')).body as JsonObject[]).find((t) => t.Name === 'Notify Slack')!;
    const template = ((await setup.http.get('/api/Spaces-1/actiontemplates/all')).body as JsonObject[]).find((t) => t.Name === 'Notify Slack')!;
    expect(template.Version).toBe(2);
    expect(template.Id).not.toBe(sourceTemplate.Id);
    const action = actionsOf((await deploymentProcessOf(setup.http, PROJECT)).Steps).get('Notify Slack')!;
    expect(action.Properties).toMatchObject({ 'Octopus.Action.Template.Id': template.Id, 'Octopus.Action.Template.Version': '2' });
    expect(documentNamed(await setup.to.documents([DEPLOYMENT_PROCESSES]), 'deployment-processes', PROJECT)).toEqual(documentNamed(setup.wanted, 'deployment-processes', PROJECT));
  });

  it('fails with a WriteError naming every unresolved feed and worker pool before anything is written', async () => {
    const setup = await setUp();
    await setup.to.write(setup.withSecrets);
    const current = await setup.to.documents(MINE);
    const ctx = await writeContext(setup.to);

    const process = documentNamed(setup.wanted, 'deployment-processes', PROJECT);
    const broken = structuredClone(process);
    const migrations = actionsOf(broken.body.Steps).get('Run database migrations')!;
    migrations.WorkerPool = 'No Such Pool';
    (migrations.Packages as JsonObject[])[0]!.Feed = 'No Such Feed';

    const runbook = documentNamed(setup.wanted, 'runbooks', `${PROJECT}/Purge CDN cache`);
    const brokenRunbook = structuredClone(runbook);
    brokenRunbook.name = `${PROJECT}/Broken`;
    brokenRunbook.body.Name = 'Broken';
    actionsOf((brokenRunbook.body.Process as JsonObject).Steps).get('Invalidate CloudFront')!.WorkerPool = 'No Such Pool';

    const template = documentNamed(setup.wanted, 'step-templates', 'Notify Slack');
    const brokenTemplate = { ...template, name: 'Broken', body: { ...template.body, Name: 'Broken', Packages: [{ Name: 'tool', PackageId: 'Tool', Feed: 'No Such Feed', AcquisitionLocation: 'Server', Properties: {} }] } };

    setup.destination.knobs.resetCounts();
    const failure = writerOf(DEPLOYMENT_PROCESSES).update(broken, documentNamed(current, 'deployment-processes', PROJECT), ctx);
    await expect(failure).rejects.toThrow(WriteError);
    await expect(failure).rejects.toThrow(/worker pool 'No Such Pool'[\s\S]*feed 'No Such Feed'|feed 'No Such Feed'[\s\S]*worker pool 'No Such Pool'/);
    await expect(writerOf(RUNBOOKS).create(brokenRunbook, ctx)).rejects.toThrow(/cannot write runbook 'Web Shop\/Broken'[\s\S]*No Such Pool/);
    await expect(writerOf(RUNBOOKS).update(brokenRunbook, documentNamed(current, 'runbooks', runbook.name), ctx)).rejects.toThrow(/No Such Pool/);
    await expect(writerOf(STEP_TEMPLATES).create(brokenTemplate, ctx)).rejects.toThrow(/cannot write step template 'Broken'[\s\S]*No Such Feed/);
    const counts = setup.destination.knobs.requestCounts();
    expect(counts.byMethod.PUT).toBeUndefined();
    expect(counts.byMethod.POST).toBeUndefined();
    expect(counts.byMethod.DELETE).toBeUndefined();
    expect(await copied(setup)).toEqual(sorted(setup.wanted));
  });

  it('creates the process of a project created earlier in the same apply, even when the process was not read', async () => {
    const COPIED_STEPS = ['Run database migrations', 'Notify Slack'];
    const setup = await setUp();
    await setup.to.write(setup.withSecrets.filter((doc) => doc.kind === 'step-templates'));
    const project = (await setup.http.post('/api/Spaces-1/projects', { Name: 'Fresh', ...(await defaultProjectFields(setup.http)) })).body as JsonObject;
    const webShop = documentNamed(setup.withSecrets, 'deployment-processes', PROJECT);
    const steps = (webShop.body.Steps as JsonObject[]).filter((step) => COPIED_STEPS.includes(String(step.Name)));
    const doc: KindDocument = { kind: 'deployment-processes', name: 'Fresh', file: 'projects/fresh/deployment-process.yaml', body: { Project: 'Fresh', Steps: steps } };

    const ctx = await writeContext(setup.to);
    // As if the projects writer had re-read only `projects`: the new process is not in `live`.
    const live = { ...ctx.live, deploymentprocesses: (ctx.live.deploymentprocesses ?? []).filter((p) => p.Id !== project.DeploymentProcessId) };
    setup.destination.knobs.resetCounts();
    await writerOf(DEPLOYMENT_PROCESSES).create(doc, { ...ctx, live });
    expect(writesByRoute(setup.destination)).toEqual({ 'PUT /api/:spaceId/projects/:projectId/deploymentprocesses': 1 });

    // Read back with markers where the secrets were supplied.
    const wantedSteps = (documentNamed(setup.wanted, 'deployment-processes', PROJECT).body.Steps as JsonObject[]).filter((step) => COPIED_STEPS.includes(String(step.Name)));
    const expected = { ...doc, body: { Project: 'Fresh', Steps: wantedSteps } };
    expect(documentNamed(await setup.to.documents([DEPLOYMENT_PROCESSES]), 'deployment-processes', 'Fresh')).toEqual(expected);
    expect(setup.destination.instance.store.secretValues()).toContain(`secret deployment-processes/${PROJECT} Steps[Notify Slack].Actions[Notify Slack].Properties.Slack.WebhookUrl`);
  });

  it('removes: a runbook is deleted, a process emptied while its project stays, a template deleted', async () => {
    const setup = await setUp();
    await setup.to.write(setup.withSecrets);
    let current = await setup.to.documents(MINE);

    setup.destination.knobs.resetCounts();
    await writerOf(RUNBOOKS).remove(documentNamed(current, 'runbooks', `${PROJECT}/Purge CDN cache`), await writeContext(setup.to));
    await writerOf(DEPLOYMENT_PROCESSES).remove(documentNamed(current, 'deployment-processes', PROJECT), await writeContext(setup.to));
    await writerOf(STEP_TEMPLATES).remove(documentNamed(current, 'step-templates', 'Notify Slack'), await writeContext(setup.to));
    expect(writesByRoute(setup.destination)).toEqual({
      'DELETE /api/:spaceId/runbooks/:id': 1,
      'PUT /api/:spaceId/projects/:projectId/deploymentprocesses': 1,
      'DELETE /api/:spaceId/actiontemplates/:id': 1,
    });

    current = await setup.to.documents(MINE);
    expect(current.filter((doc) => doc.kind === 'runbooks').map((doc) => doc.name)).toEqual([`${PROJECT}/Restart web servers`]);
    expect(documentNamed(current, 'deployment-processes', PROJECT).body).toEqual({ Project: PROJECT, Steps: [] });
    expect(current.filter((doc) => doc.kind === 'step-templates').map((doc) => doc.name)).toEqual(['Decoy Template']);
    // Only the runbook that stays still holds a secret.
    expect(setup.destination.instance.store.secretValues()).toEqual(setup.secrets.filter((secret) => secret.includes('Restart web servers')));

    // Once its project is gone, a process has nothing left to remove.
    const gone = documentNamed(current, 'deployment-processes', PROJECT);
    const projectId = buildRefTable(await setup.to.live()).idOf('projects', PROJECT)!;
    await setup.http.del(`/api/Spaces-1/projects/${projectId}`);
    setup.destination.knobs.resetCounts();
    await writerOf(DEPLOYMENT_PROCESSES).remove(gone, await writeContext(setup.to));
    await writerOf(RUNBOOKS).remove(documentNamed(current, 'runbooks', `${PROJECT}/Restart web servers`), await writeContext(setup.to));
    expect(writesByRoute(setup.destination)).toEqual({});
  });

  it('writes in the destination exactly the runbook the source has, whatever is there under that name', async () => {
    const setup = await setUp();
    await writeOne(setup, STEP_TEMPLATES, documentNamed(setup.withSecrets, 'step-templates', 'Notify Slack'));
    await writeOne(setup, DEPLOYMENT_PROCESSES, documentNamed(setup.withSecrets, 'deployment-processes', PROJECT));
    // A runbook of that name already exists with other settings and steps.
    const project = buildRefTable(await setup.to.live()).idOf('projects', PROJECT)!;
    const existing = (await setup.http.post('/api/Spaces-1/runbooks', { Name: 'Restart web servers', ProjectId: project, Description: 'Old.', EnvironmentScope: 'All' })).body as JsonObject;
    const process = (await setup.http.get(`/api/Spaces-1/runbookProcesses/${String(existing.RunbookProcessId)}`)).body as JsonObject;
    await setup.http.put(`/api/Spaces-1/runbookProcesses/${String(process.Id)}`, {
      ...process,
      Steps: [{ Name: 'Old step', Actions: [{ Name: 'Old step', ActionType: 'Octopus.Script', Properties: { 'Octopus.Action.Script.ScriptBody': 'echo old' } }] }],
    });

    const runbook = documentNamed(setup.withSecrets, 'runbooks', `${PROJECT}/Restart web servers`);
    await writeOne(setup, RUNBOOKS, runbook);
    expect(documentNamed(await setup.to.documents([RUNBOOKS]), 'runbooks', runbook.name)).toEqual(documentNamed(setup.wanted, 'runbooks', runbook.name));
    const after = (await setup.http.get(`/api/Spaces-1/runbooks/${String(existing.Id)}`)).body as JsonObject;
    expect(after.RunbookProcessId).toBe(existing.RunbookProcessId);
  });
});
