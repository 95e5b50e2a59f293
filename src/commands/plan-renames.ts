// Renames found between the desired documents and the destination (core/renames.ts), and the
// destination as it will be once they are applied: its resources under their new names, so every
// document that refers to one (a lifecycle's phase, a variable's scope, a project's channels) is
// compared with the new name, and what does not otherwise change is not planned at all.
import type { KindDocument, KindName, LiveSpace } from '../core/document.js';
import type { Rename } from '../core/renames.js';
import { findRenames } from '../core/renames.js';
import { KIND_OF_COLLECTION } from '../kinds/collections.js';

/** The collection a renameable kind's resources are in (documents named by their resource's own Name). */
const COLLECTION_OF_KIND = new Map(
  Object.entries(KIND_OF_COLLECTION)
    .filter(([collection]) => collection !== 'channels' && collection !== 'runbooks') // named with their project
    .map(([collection, kind]) => [kind as KindName, collection] as const),
);

export interface RenamedLive {
  renames: Rename[];
  live: LiveSpace;
  liveDocuments: KindDocument[];
}

/**
 * Renames, found again after each round so a renamed resource that refers to another renamed one
 * (a project whose lifecycle was renamed too) is found once the first is.
 */
export function followRenames(space: string, desired: readonly KindDocument[], live: LiveSpace, toDocuments: (live: LiveSpace) => KindDocument[], managed: ReadonlySet<string>): RenamedLive {
  const kinds = new Set(COLLECTION_OF_KIND.keys());
  const renames: Rename[] = [];
  let current = live;
  let documents = toDocuments(live);
  for (let round = 0; round < 5; round += 1) {
    const found = findRenames(space, kinds, desired, documents, managed);
    if (found.length === 0) break;
    renames.push(...found);
    current = withNewNames(current, found);
    documents = toDocuments(current);
  }
  return { renames, live: current, liveDocuments: documents };
}

function withNewNames(live: LiveSpace, renames: readonly Rename[]): LiveSpace {
  const next: Record<string, LiveSpace[string]> = { ...live };
  for (const rename of renames) {
    const collection = COLLECTION_OF_KIND.get(rename.kind) as string;
    next[collection] = (next[collection] ?? []).map((resource) => (String(resource.Name).toLowerCase() === rename.from.toLowerCase() ? { ...resource, Name: rename.to } : resource));
  }
  return next;
}
