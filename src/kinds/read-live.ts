// Reads a space's live state: one request per collection, through space-wide endpoints, so the
// number of requests does not grow with the number of projects.
import type { JsonObject, LiveSpace } from '../core/document.js';
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
