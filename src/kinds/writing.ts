// Helpers writers share: resolving names without surprises, finding the destination's resource
// behind a document, and turning "absent from the document" into "cleared on the server".
import type { Json, JsonObject, KindDocument } from '../core/document.js';
import type { IdResolver, Problem } from '../core/refs.js';
import { isSensitiveMarker } from '../core/secrets.js';
import type { WriteContext } from './types.js';

export class WriteError extends Error {
  constructor(
    message: string,
    readonly problems: Problem[] = [],
  ) {
    super(problems.length === 0 ? message : `${message}:\n${problems.map((p) => `  - ${p.where}: ${p.message}`).join('\n')}`);
    this.name = 'WriteError';
  }
}

/** Builds a payload and refuses to send it when a name did not resolve (nothing is written). */
export function resolved<T>(ids: IdResolver, what: string, build: () => T): T {
  const before = ids.problems.length;
  const payload = build();
  const problems = ids.problems.slice(before);
  if (problems.length > 0) throw new WriteError(`cannot write ${what}`, problems);
  return payload;
}

/** The destination's raw resource of `collection` called `name` (case-insensitive). */
export function liveResource(ctx: WriteContext, collection: string, name: string, field = 'Name'): JsonObject {
  const found = findByField(ctx.live[collection] ?? [], field, name);
  if (!found) throw new WriteError(`the destination has no ${collection} resource named '${name}'`);
  return found;
}

/**
 * Resources by the lower-cased value of a field, per list and field, built on the first look:
 * a writer looks one resource up per document, and a scan of the list each time grew with the
 * square of the number of documents. Live lists are replaced when read again, never changed.
 */
const fieldIndexes = new WeakMap<readonly JsonObject[], Map<string, Map<string, JsonObject[]>>>();

/** Every resource of `resources` whose `field` is `value` (case-insensitive), in list order. */
export function filterByField(resources: readonly JsonObject[], field: string, value: string): readonly JsonObject[] {
  let byField = fieldIndexes.get(resources);
  if (!byField) fieldIndexes.set(resources, (byField = new Map()));
  let index = byField.get(field);
  if (!index) {
    index = new Map();
    for (const resource of resources) {
      const key = String(resource[field] ?? '').toLowerCase();
      const same = index.get(key);
      if (same) same.push(resource);
      else index.set(key, [resource]);
    }
    byField.set(field, index);
  }
  return index.get(value.toLowerCase()) ?? [];
}

/** The first resource of `resources` whose `field` is `value` (case-insensitive). */
export function findByField(resources: readonly JsonObject[], field: string, value: string): JsonObject | undefined {
  return filterByField(resources, field, value)[0];
}

/**
 * The document with an explicit value for every top-level field the destination has and the
 * document does not: `null`, or `{HasValue: false}` for a secret, so a PUT clears them (a
 * document drops nulls, and a PUT that left the field out would keep the destination's value).
 */
export function withClearedFields(doc: KindDocument, current: KindDocument): KindDocument {
  const body: JsonObject = { ...doc.body };
  for (const [key, value] of Object.entries(current.body)) {
    if (key in body) continue;
    body[key] = isMarker(value) ? { HasValue: false } : null;
  }
  return { ...doc, body };
}

function isMarker(value: Json): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && isSensitiveMarker(value);
}
