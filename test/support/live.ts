// Reads a simulator's space as the snapshotter does (space-wide endpoints), over plain HTTP so
// kind tests do not depend on octosync's own client.
import type { JsonObject, LiveSpace } from '../../src/core/document.js';
import { COLLECTION_READS } from '../../src/kinds/collections.js';
import type { Kind } from '../../src/kinds/types.js';
import type { Simulator } from '../../src/simulator/index.js';

export async function readLive(sim: Pick<Simulator, 'url' | 'apiKey'>, collections: readonly string[], spaceId = 'Spaces-1'): Promise<LiveSpace> {
  const live: Record<string, JsonObject[]> = {};
  for (const collection of new Set(collections)) {
    const read = COLLECTION_READS[collection];
    if (!read) throw new Error(`no read defined for collection '${collection}'`);
    const url = `${sim.url}/api/${read.serverWide ? '' : `${spaceId}/`}${read.path}${read.paged ? '?take=2147483647' : ''}`;
    const response = await fetch(url, { headers: { 'X-Octopus-ApiKey': sim.apiKey } });
    if (!response.ok) throw new Error(`GET ${url} answered ${response.status}: ${await response.text()}`);
    const body = (await response.json()) as JsonObject[] | { Items: JsonObject[] };
    live[collection] = Array.isArray(body) ? body : body.Items;
  }
  return live;
}

/** Every collection the given kinds read. */
export function readsOf(kinds: readonly Kind[]): string[] {
  return [...new Set(kinds.flatMap((kind) => kind.reads))];
}
