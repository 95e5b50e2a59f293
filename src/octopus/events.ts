// The events log as a change detector: the newest document event of a space changes whenever
// anything in it is created, modified or deleted, so comparing it with the one seen last tells
// "nothing happened" in one request, however large the space.
import type { OctopusApi } from './client.js';
import { resolveSpaceId } from './spaces.js';

/** The id of the newest document event of each named space ('' for a space without any). */
export async function newestEvents(api: OctopusApi, spaces: readonly string[]): Promise<Map<string, string>> {
  const newest = new Map<string, string>();
  for (const space of spaces) {
    const spaceId = await resolveSpaceId(api, space);
    const page = await api.get<{ Items: { Id: string }[] }>(`/api/${spaceId}/events`, { query: { take: 1, eventGroups: 'Document' } });
    newest.set(space, page.Items[0]?.Id ?? '');
  }
  return newest;
}

export function sameEvents(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  return a.size === b.size && [...a].every(([space, id]) => b.get(space) === id);
}
