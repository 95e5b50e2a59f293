// Reads a space's live state: one request per collection, through space-wide endpoints, so the
// number of requests does not grow with the number of projects.
import type { Json, JsonObject, KindDocument, LiveSpace } from '../core/document.js';
import { isObject } from '../core/document.js';
import type { OctopusApi } from '../octopus/index.js';
import { spacePath } from '../octopus/index.js';
import { COLLECTION_READS } from './collections.js';
import type { Kind } from './types.js';

export interface ReadProgress {
  (done: number, total: number, collection: string): void;
}

/** Every collection the given kinds read, each once. */
export function collectionsRead(kinds: readonly Kind[]): string[] {
  return [...new Set(kinds.flatMap((kind) => kind.reads))];
}

export async function readLiveSpace(api: OctopusApi, spaceId: string, collections: readonly string[], progress?: ReadProgress): Promise<LiveSpace> {
  let done = 0;
  const entries = await Promise.all(
    collections.map(async (collection) => {
      const read = COLLECTION_READS[collection];
      if (!read) throw new Error(`octosync does not know how to read the collection '${collection}'`);
      const path = read.serverWide ? `/api/${read.path}` : spacePath(spaceId, read.path);
      const resources = read.paged ? await api.list<JsonObject>(path) : await api.getAll<JsonObject>(path);
      // Server-wide reads of space-scoped things (none today) would need filtering by SpaceId.
      done += 1;
      progress?.(done, collections.length, collection);
      return [collection, resources] as const;
    }),
  );
  return Object.fromEntries(entries);
}

/**
 * Collections read only when something in the space (or in the documents to apply) uses one, so
 * a space that does not pays no request for them: git credentials, which only steps with
 * `GitDependencies` refer to.
 */
const ON_DEMAND_READS: readonly { collection: string; needed(live: LiveSpace, desired: readonly KindDocument[]): boolean }[] = [
  {
    collection: 'gitcredentials',
    needed: (live, desired) =>
      ['deploymentprocesses', 'runbookProcesses', 'actiontemplates'].some((collection) => (live[collection] ?? []).some((resource) => holdsKey(resource, 'GitCredentialId'))) ||
      desired.some((doc) => holdsKey(doc.body, 'GitCredential')),
  },
];

/**
 * A space as the given kinds need it: their collections (one request each), then the on-demand
 * collections the space or the documents to apply (`desired`) use.
 */
export async function readSpaceFor(api: OctopusApi, spaceId: string, kinds: readonly Kind[], desired: readonly KindDocument[] = [], progress?: ReadProgress): Promise<LiveSpace> {
  const live = await readLiveSpace(api, spaceId, collectionsRead(kinds), progress);
  const more = ON_DEMAND_READS.filter((read) => live[read.collection] === undefined && read.needed(live, desired)).map((read) => read.collection);
  return more.length === 0 ? live : { ...live, ...(await readLiveSpace(api, spaceId, more)) };
}

/** Whether a non-empty string is held under `key` anywhere in a value. */
function holdsKey(value: Json | undefined, key: string): boolean {
  if (Array.isArray(value)) return value.some((item) => holdsKey(item, key));
  if (!isObject(value)) return false;
  return Object.entries(value).some(([name, item]) => (name === key && typeof item === 'string' && item !== '') || holdsKey(item, key));
}
