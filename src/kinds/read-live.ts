// Reads a space's live state: one request per collection, through space-wide endpoints, so the
// number of requests does not grow with the number of projects.
import type { JsonObject, KindDocument, LiveSpace } from '../core/document.js';
import { isObject } from '../core/document.js';
import type { OctopusApi } from '../octopus/index.js';
import { spacePath } from '../octopus/index.js';
import { COLLECTION_READS } from './collections.js';
import type { CollectionRead } from './collections.js';
import { OctopusApiError } from '../octopus/index.js';
import type { Kind } from './types.js';
import { CAPABILITY_READS, capabilitiesOf } from './capabilities.js';
import { ON_DEMAND_COLLECTIONS, alwaysReadOnDemand, onDemandNeeded } from './on-demand-reads.js';

export interface ReadProgress {
  (done: number, total: number, collection: string): void;
}

/** Every collection the given kinds read, each once. */
export function collectionsRead(kinds: readonly Kind[]): string[] {
  return [...new Set(kinds.flatMap((kind) => kind.reads))];
}

/** What readSpaceFor reads of a space whatever its data: the kinds' collections but the on-demand ones, and the capability reads. */
export function alwaysRead(kinds: readonly Kind[]): string[] {
  const always = alwaysReadOnDemand(kinds);
  return [...new Set([...collectionsRead(kinds), ...CAPABILITY_READS])].filter((collection) => !ON_DEMAND_COLLECTIONS.has(collection) || always.has(collection));
}

export async function readLiveSpace(api: OctopusApi, spaceId: string, collections: readonly string[], progress?: ReadProgress): Promise<LiveSpace> {
  // Tenant variables are read through whichever API the server offers, which the feature toggles
  // tell; the scoped API is read per tenant.
  const tenantVariables = collections.includes('tenantvariables');
  const plain = [...new Set([...collections.filter((c) => c !== 'tenantvariables'), ...(tenantVariables ? TENANT_VARIABLE_GATES : [])])];
  // Every collection known before any is asked.
  const asked = plain.map((collection) => {
    const read = COLLECTION_READS[collection];
    if (!read) throw new Error(`octosync does not know how to read the collection '${collection}'`);
    return { collection, read };
  });
  let done = 0;
  let failed = false;
  const total = plain.length + (tenantVariables ? 1 : 0);
  const counted = (collection: string, reading: Promise<JsonObject[]>) =>
    reading.then(
      (resources) => {
        done += 1;
        // Nothing more is told once the read as a whole has failed.
        if (!failed) progress?.(done, total, collection);
        return resources;
      },
      (error: unknown) => {
        // The read fails whole: nothing more is started for it (the scoped tenant variable reads).
        failed = true;
        throw error;
      },
    );
  const reads = new Map(
    inReadOrder(asked, tenantVariables).map(({ collection, read }) => {
      // Server-wide reads of space-scoped things (none today) would need filtering by SpaceId.
      const path = read.serverWide ? `/api/${read.path}` : spacePath(spaceId, read.path);
      return [collection, counted(collection, readCollection(api, path, read))] as const;
    }),
  );
  // The tenant variables are asked as soon as their gates are read (behind the reads still queued
  // then), not once every collection is answered, the largest included.
  const tenantVariablesRead = tenantVariables ? counted('tenantvariables', readTenantVariables(api, spaceId, reads, () => failed)) : undefined;
  const [tenantVariableResources, ...answers] = await Promise.all([tenantVariablesRead, ...plain.map((collection) => reads.get(collection))]);
  // In the order asked, whatever the order answered.
  const live: Record<string, JsonObject[]> = Object.fromEntries(plain.map((collection, index) => [collection, answers[index] ?? []]));
  if (tenantVariableResources) live.tenantvariables = tenantVariableResources;
  return live;
}

/** What the tenant variable read waits for: the feature toggles (which API) and the tenants (whose variables, on the scoped API). */
const TENANT_VARIABLE_GATES = ['featuretoggles', 'tenants'];

/**
 * Collections with a resource or more per project, the longest answers of a large instance: a
 * client sends a limited number of requests at once, so these are asked first, not behind a
 * dozen small ones (only the tenant variable read's gates go before them: it waits for them).
 */
const GROWS_WITH_PROJECTS = ['variables', 'deploymentprocesses', 'runbookProcesses', 'projects', 'channels', 'runbooks'];

function inReadOrder<T extends { collection: string }>(asked: readonly T[], tenantVariables: boolean): T[] {
  const rank = ({ collection }: T) => {
    if (tenantVariables && TENANT_VARIABLE_GATES.includes(collection)) return 0;
    return GROWS_WITH_PROJECTS.includes(collection) ? 1 : 2;
  };
  // A stable sort: the others keep the order they were asked in.
  return [...asked].sort((a, b) => rank(a) - rank(b));
}

/** The tenant variables, by the API the feature toggles say the server has; none asked once another read of the space failed. */
async function readTenantVariables(api: OctopusApi, spaceId: string, reads: ReadonlyMap<string, Promise<JsonObject[]>>, failed: () => boolean): Promise<JsonObject[]> {
  const live = { featuretoggles: (await reads.get('featuretoggles')) ?? [] };
  if (!capabilitiesOf(live).tenantVariableScoping) return failed() ? [] : readCollection(api, spacePath(spaceId, 'tenantvariables/all'), { path: 'tenantvariables/all' });
  const tenants = (await reads.get('tenants')) ?? [];
  return failed() ? [] : readScopedTenantVariables(api, spaceId, tenants);
}

/**
 * The scoped API has no space-wide read: two requests per tenant connected to a project (a
 * tenant without connections has no values), `{TenantId, Scoped: {Common, Project}}` each, the
 * responses as the server gave them.
 */
async function readScopedTenantVariables(api: OctopusApi, spaceId: string, tenants: readonly JsonObject[]): Promise<JsonObject[]> {
  const connected = tenants.filter((tenant) => isObject(tenant.ProjectEnvironments) && Object.keys(tenant.ProjectEnvironments).length > 0);
  return Promise.all(
    connected.map(async (tenant) => {
      const id = String(tenant.Id);
      const [common, project] = await Promise.all([
        api.get<JsonObject>(spacePath(spaceId, 'tenants', id, 'commonvariables')),
        api.get<JsonObject>(spacePath(spaceId, 'tenants', id, 'projectvariables')),
      ]);
      return { TenantId: id, Scoped: { Common: common, Project: project } };
    }),
  );
}

async function readCollection(api: OctopusApi, path: string, read: CollectionRead): Promise<JsonObject[]> {
  try {
    if (read.paged) return await api.list<JsonObject>(path, read.query);
    if (read.field === undefined) return await api.getAll<JsonObject>(path);
    const body = await api.get<JsonObject>(path, { query: read.query, ...(read.absentOnError ? { attempts: 1 } : {}) });
    if (read.field === '.') return [body];
    const items = body[read.field];
    return Array.isArray(items) ? items.filter((item): item is JsonObject => item !== null && typeof item === 'object' && !Array.isArray(item)) : [];
  } catch (error) {
    if (!(error instanceof OctopusApiError) || error.status === undefined) throw error;
    // A server older than the route has none of what it lists; one without the service says so with an error.
    if ((read.since !== undefined && error.status === 404) || (read.absentOnError && error.status !== 401 && error.status !== 403)) return [];
    throw error;
  }
}

/**
 * A space as the given kinds need it: their collections but the on-demand ones (one request each,
 * all at once), then the on-demand collections (on-demand-reads.ts) the space or the documents to
 * apply (`desired`) need: a second round trip only when the data needs one. `desired` may still
 * be on its way (a plan reads the destination while it validates the repository): it is awaited
 * only once the collections are read.
 */
export async function readSpaceFor(api: OctopusApi, spaceId: string, kinds: readonly Kind[], desired: DesiredDocuments = [], progress?: ReadProgress, read?: CollectionReader): Promise<LiveSpace> {
  const readCollections = read ?? ((collections: readonly string[], report?: ReadProgress) => readLiveSpace(api, spaceId, collections, report));
  // The feature toggles are read with every space (writers and the plan ask); what else the server
  // can hold (capabilities.ts) is read on demand with the collections the data needs.
  const live = await readCollections(alwaysRead(kinds), progress);
  const more = onDemandNeeded(live, await desired);
  return more.length === 0 ? live : { ...live, ...(await readCollections(more)) };
}

/** Reads collections of one space as readLiveSpace does (an incremental reader serves some from what it read before). */
export type CollectionReader = (collections: readonly string[], progress?: ReadProgress) => Promise<LiveSpace>;

/** The documents to apply to a space, or the promise of them. */
export type DesiredDocuments = readonly KindDocument[] | Promise<readonly KindDocument[]>;

/** How a command reads a space: readSpaceFor, or an incremental reader with the same answers. */
export type SpaceReader = (api: OctopusApi, spaceId: string, kinds: readonly Kind[], desired: DesiredDocuments, progress?: ReadProgress) => Promise<LiveSpace>;
