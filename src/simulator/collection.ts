// The Octopus `ResourceCollection` envelope, list filters, and how a document is shown.
import type { ResourceDef } from './resource-def.js';
import type { Call } from './routes.js';
import type { Doc } from './store.js';

/** Octopus's default page size; `take=2147483647` is its "all". */
export const DEFAULT_TAKE = 30;

export interface CollectionEnvelope {
  ItemType: string;
  TotalResults: number;
  ItemsPerPage: number;
  NumberOfPages: number;
  LastPageNumber: number;
  IsStale: boolean;
  Items: unknown[];
  Links: Record<string, string>;
}

/** Applies `ids`, `partialName` (and its obsolete alias `name`) and kind-specific filters. */
export function filterDocs(docs: Doc[], query: URLSearchParams, def?: ResourceDef): Doc[] {
  let result = docs;
  const ids = splitList(query.get('ids'));
  if (ids.length > 0) {
    const wanted = new Set(ids.map((id) => id.toLowerCase()));
    result = result.filter((doc) => wanted.has(doc.Id.toLowerCase()));
  }
  const partialName = query.get('partialName') ?? query.get('name');
  if (partialName) {
    const needle = partialName.toLowerCase();
    result = result.filter((doc) => String(doc.Name ?? '').toLowerCase().includes(needle));
  }
  for (const [param, test] of Object.entries(def?.filters ?? {})) {
    const value = query.get(param);
    if (value !== null && value !== '') result = result.filter((doc) => test(doc, value));
  }
  return result;
}

export function page(call: Call, itemType: string, docs: unknown[], defaultTake = DEFAULT_TAKE): CollectionEnvelope {
  const skip = nonNegative(call.query.get('skip'), 0);
  const take = nonNegative(call.query.get('take'), defaultTake);
  const pages = take === 0 ? 1 : Math.max(1, Math.ceil(docs.length / take));
  const base = call.path;
  const current = Math.floor(skip / Math.max(take, 1));
  const links: Record<string, string> = {
    Self: `${base}?skip=${skip}&take=${take}`,
    Template: `${base}{?skip,take,ids,partialName}`,
    'Page.All': `${base}?skip=0&take=2147483647`,
    'Page.Current': `${base}?skip=${skip}&take=${take}`,
    'Page.Last': `${base}?skip=${(pages - 1) * take}&take=${take}`,
  };
  if (skip + take < docs.length) links['Page.Next'] = `${base}?skip=${skip + take}&take=${take}`;
  if (current > 0) links['Page.Previous'] = `${base}?skip=${Math.max(0, skip - take)}&take=${take}`;
  return {
    ItemType: itemType,
    TotalResults: docs.length,
    ItemsPerPage: take,
    NumberOfPages: pages,
    LastPageNumber: pages - 1,
    IsStale: false,
    Items: docs.slice(skip, skip + take),
    Links: links,
  };
}

/** The route a document lives at. */
export function selfLink(collection: string, doc: Doc): string {
  return typeof doc.SpaceId === 'string' ? `/api/${doc.SpaceId}/${collection}/${doc.Id}` : `/api/${collection}/${doc.Id}`;
}

/**
 * A document as the API returns it, with its `Links`. The copy is shallow: a reply is serialized
 * as soon as its handler returns and never changed (a deep copy of every document of a large
 * list cost more than the rest of the request).
 */
export function present(def: ResourceDef, doc: Doc): Doc {
  const self = selfLink(def.collection, doc);
  // Id first, as the server writes it, so responses read like real ones.
  const { Id, ...rest } = doc;
  return { Id, ...rest, Links: { Self: self, ...(def.links?.(doc, self) ?? {}) } };
}

export function splitList(value: string | null): string[] {
  if (!value) return [];
  return value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

function nonNegative(value: string | null, fallback: number): number {
  if (value === null || value === '') return fallback;
  const parsed = Number.parseInt(value, 10);
  return Number.isFinite(parsed) && parsed >= 0 ? parsed : fallback;
}
