// A drift check after a change reads only the collections the destination's events log names,
// and plans exactly what a full read plans. Source and destination simulators over real HTTP, a
// real Git repository; the reader's cache on disk under a temporary state directory.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runApply } from '../../src/commands/apply.js';
import { incrementalSpaceReader } from '../../src/commands/incremental-reads.js';
import type { IncrementalRead } from '../../src/commands/incremental-reads.js';
import { preparePlan } from '../../src/commands/plan.js';
import { renderPlanText } from '../../src/core/render-plan.js';
import { COLLECTION_READS } from '../../src/kinds/collections.js';
import type { JsonObject } from '../../src/core/document.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { createAccounts } from '../support/destinations.js';
import { stateRepo } from '../support/gitops.js';
import type { StateRepo } from '../support/gitops.js';
import { sampleDestinationEnv, writeSampleDestination } from '../support/sample-destination.js';
import { simHttp } from '../support/sim-http.js';

let source: Simulator;
let destination: Simulator;
let repo: StateRepo;
let cacheDir: string;
const env = () => sampleDestinationEnv(destination);
const HOUR = 60 * 60_000;

// One apply for the file (the slow part); each test has a cache of its own and compares with full reads.
beforeAll(async () => {
  source = await startSimulator({ seed: 'sample' });
  destination = await startSimulator({ seed: 'empty' });
  await createAccounts(source, destination);
  repo = await stateRepo();
  await repo.snapshot(source);
  await writeSampleDestination(repo, destination);
  await runApply({ repo: repo.dir, destination: 'production', env: env() });
}, 120_000);

afterAll(async () => {
  await source.close();
  await destination.close();
  await repo.cleanup();
});

beforeEach(async () => {
  cacheDir = await mkdtemp(path.join(tmpdir(), 'octosync-live-cache-'));
});

afterEach(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

interface Check {
  changes: string[];
  text: string;
  reads: IncrementalRead[];
  /** GET routes of collections (the space-wide reads of COLLECTION_READS) asked during the plan. */
  collectionRoutes: string[];
  eventReads: number;
}

/** A plan of the destination, through the incremental reader when given, with what it asked the server. */
async function planWith(reader?: { now?: () => number }): Promise<Check> {
  const reads: IncrementalRead[] = [];
  const readSpace = reader ? incrementalSpaceReader({ stateDir: cacheDir, name: 'drift-production', fullReadEveryMs: HOUR, ...(reader.now ? { now: reader.now } : {}), onRead: (read) => reads.push(read) }) : undefined;
  destination.knobs.resetCounts();
  const prepared = await preparePlan({ repo: repo.dir, destination: 'production', env: env(), ...(readSpace ? { readSpace } : {}) });
  await prepared.client.close();
  const routes = Object.entries(destination.knobs.requestCounts().byRoute).filter(([route]) => route.startsWith('GET '));
  const collectionPaths = Object.values(COLLECTION_READS).map((read) => (read.serverWide ? `/api/${read.path}` : `/api/:spaceId/${read.path}`).toLowerCase());
  return {
    changes: prepared.plan.changes.map((change) => `${change.action} ${change.kind} ${change.name}`).sort(),
    text: renderPlanText(prepared.plan),
    reads,
    collectionRoutes: routes.map(([route]) => route.slice(4)).filter((route) => collectionPaths.includes(route.toLowerCase())).sort(),
    eventReads: routes.filter(([route]) => route.toLowerCase().endsWith('/events')).reduce((sum, [, count]) => sum + count, 0),
  };
}

async function edit(collection: string, name: string, change: (resource: JsonObject) => JsonObject): Promise<void> {
  const http = simHttp(destination);
  const all = (await http.get(`/api/Spaces-1/${collection}/all`)).body as JsonObject[];
  const found = all.find((resource) => resource.Name === name);
  if (!found) throw new Error(`no ${collection} named ${name}`);
  const response = await http.put(`/api/Spaces-1/${collection}/${String(found.Id)}`, change(found));
  expect(response.status, response.text).toBe(200);
}

async function editOwned(collection: string, id: string, change: (resource: JsonObject) => JsonObject): Promise<void> {
  const http = simHttp(destination);
  const current = (await http.get(`/api/Spaces-1/${collection}/${id}`)).body as JsonObject;
  const response = await http.put(`/api/Spaces-1/${collection}/${id}`, change(current));
  expect(response.status, response.text).toBe(200);
}

async function projectNamed(name: string): Promise<JsonObject> {
  const all = (await simHttp(destination).get('/api/Spaces-1/projects/all')).body as JsonObject[];
  return all.find((project) => project.Name === name) as JsonObject;
}

describe('incremental reads of a destination', () => {
  it('after changes of several kinds re-reads only the collections their events name, and plans what a full read plans', async () => {
    const first = await planWith({});
    expect(first.reads).toEqual([{ spaceId: expect.any(String), full: true, reason: 'first read', collections: expect.any(Array) }]);
    expect(first.changes).toEqual([]);
    const everything = first.collectionRoutes.length;

    // Nothing changed: only the events log is read (the apply's events of the last minute, a
    // page of 100 at a time, to tell a late event from those seen: at most 5 pages).
    const idle = await planWith({});
    expect(idle.reads).toEqual([{ spaceId: expect.any(String), full: false, reason: 'events', collections: [] }]);
    expect(idle.collectionRoutes).toEqual([]);
    expect(idle.eventReads).toBeGreaterThanOrEqual(1);
    expect(idle.eventReads).toBeLessThanOrEqual(5);

    // Changes by hand, one of each of several kinds.
    await edit('environments', 'Staging', (env) => ({ ...env, Description: 'changed by hand' }));
    await edit('lifecycles', 'Hotfix', (lifecycle) => ({ ...lifecycle, Description: 'changed by hand' }));
    await edit('tenants', 'Acme Corp', (tenant) => ({ ...tenant, Description: 'changed by hand' }));
    const webShop = await projectNamed('Web Shop');
    await editOwned('variables', String(webShop.VariableSetId), (set) => ({
      ...set,
      Variables: (set.Variables as JsonObject[]).map((variable, index, all) => (index === all.findIndex((v) => v.Type === 'String') ? { ...variable, Value: 'changed by hand' } : variable)),
    }));
    await editOwned('deploymentprocesses', String(webShop.DeploymentProcessId), (process) => ({
      ...process,
      Steps: (process.Steps as JsonObject[]).map((step, index) => (index === 0 ? { ...step, Name: `${String(step.Name)} (by hand)` } : step)),
    }));

    const incremental = await planWith({});
    const full = await planWith();
    expect(incremental.changes).toEqual(full.changes);
    expect(incremental.text).toBe(full.text);
    expect(incremental.changes.map((change) => change.split(' ').slice(0, 2).join(' '))).toEqual(
      expect.arrayContaining(['update environments', 'update lifecycles', 'update tenants', 'update project-variables', 'update deployment-processes']),
    );
    // Only what the events named: environments (and parent environments, which share their ids),
    // lifecycles, tenants (and their variables), variables, deployment processes, and the projects
    // the owned documents' events relate to; the tenant variables' read needs the feature toggles
    // (this server has the scoped API: they are read per tenant, not through tenantvariables/all).
    expect(incremental.reads).toEqual([{ spaceId: expect.any(String), full: false, reason: 'events', collections: expect.any(Array) }]);
    expect(incremental.reads[0]?.collections).toEqual(['deploymentprocesses', 'environments', 'featuretoggles', 'lifecycles', 'parentenvironments', 'projects', 'tenants', 'tenantvariables', 'variables']);
    expect(incremental.collectionRoutes).toEqual(['/api/:spaceId/deploymentprocesses', '/api/:spaceId/environments/all', '/api/:spaceId/environments/v2', '/api/:spaceId/lifecycles/all', '/api/:spaceId/projects/all', '/api/:spaceId/tenants/all', '/api/:spaceId/variables/all', '/api/configuration/feature-toggles']);
    expect(everything).toBeGreaterThan(20);
    expect(incremental.collectionRoutes).not.toContain('/api/:spaceId/feeds/all');
    expect(incremental.collectionRoutes).not.toContain('/api/:spaceId/runbookProcesses');
    expect(incremental.eventReads).toBeLessThanOrEqual(5);
    expect(full.collectionRoutes.length).toBe(everything);
  }, 120_000);

  it('reads a collection it did not need before once a change makes it needed, though no event names it', async () => {
    // A deployment target nothing refers to: its collection is not read.
    const http = simHttp(destination);
    const environment = ((await http.get('/api/Spaces-1/environments/all')).body as JsonObject[])[0];
    const machine = (await http.post('/api/Spaces-1/machines', { Name: 'web-by-hand', Endpoint: { CommunicationStyle: 'None' }, EnvironmentIds: [environment?.Id], Roles: ['web'], TenantIds: [], TenantTags: [] })).body as JsonObject;
    const first = await planWith({});
    expect(first.collectionRoutes).not.toContain('/api/:spaceId/machines/all');

    // A variable scoped to it: only the variable set's event, yet its name is needed.
    const webShop = await projectNamed('Web Shop');
    await editOwned('variables', String(webShop.VariableSetId), (set) => ({
      ...set,
      Variables: [...(set.Variables as JsonObject[]), { Name: 'Node.Name', Value: 'by hand', Type: 'String', IsSensitive: false, Scope: { Machine: [String(machine.Id)] } }],
    }));
    const incremental = await planWith({});
    const full = await planWith();
    expect(incremental.reads.map((read) => [read.full, read.reason])).toEqual([[false, 'events']]);
    expect(incremental.reads[0]?.collections).toContain('machines');
    expect(incremental.collectionRoutes).toContain('/api/:spaceId/machines/all');
    expect(incremental.text).toBe(full.text);
    expect(incremental.text).toContain('web-by-hand');
  }, 120_000);

  it('falls back to a full read for an event it cannot map, a delete, a gap in the log, and at the full-read interval', async () => {
    await planWith({});
    // A document type octosync does not know (a newer server's), logged as modified.
    destination.instance.store.recordEvent({ Category: 'Modified', RelatedDocumentIds: ['Widgets-1'], SpaceId: 'Spaces-1', Message: 'Modified widget', UserId: 'Users-1', Username: 'admin', DocumentType: 'Widgets' });
    const unmapped = await planWith({});
    expect(unmapped.reads.map((read) => [read.full, read.reason])).toEqual([[true, 'unmapped event']]);
    expect(unmapped.changes).toEqual((await planWith()).changes);

    const http = simHttp(destination);
    const feeds = (await http.get('/api/Spaces-1/feeds/all')).body as JsonObject[];
    expect((await http.del(`/api/Spaces-1/feeds/${String(feeds.find((feed) => feed.Name === 'Docker Hub')?.Id)}`)).status).toBe(200);
    const deleted = await planWith({});
    expect(deleted.reads.map((read) => [read.full, read.reason])).toEqual([[true, 'unmapped event']]);
    expect(deleted.changes).toContain('create feeds Docker Hub');
    const afterDelete = await planWith();
    expect(deleted.changes).toEqual(afterDelete.changes);

    // The last event seen is no longer in the log (retention removed it): the log cannot say.
    const indexFile = path.join(cacheDir, 'live', 'drift-production', (deleted.reads[0] as IncrementalRead).spaceId, 'index.json');
    const index = JSON.parse(await readFile(indexFile, 'utf8')) as { mark: { id: string } };
    await writeFile(indexFile, JSON.stringify({ ...index, mark: { ...index.mark, id: 'Events-999999' } }));
    const gap = await planWith({});
    expect(gap.reads.map((read) => [read.full, read.reason])).toEqual([[true, 'events log gap']]);
    expect(gap.changes).toEqual(afterDelete.changes);

    const later = await planWith({ now: () => Date.now() + 2 * HOUR });
    expect(later.reads.map((read) => [read.full, read.reason])).toEqual([[true, 'periodic full read']]);
  }, 120_000);
});
