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
  const wanted = name.toLowerCase();
  const found = (ctx.live[collection] ?? []).find((resource) => String(resource[field] ?? '').toLowerCase() === wanted);
  if (!found) throw new WriteError(`the destination has no ${collection} resource named '${name}'`);
  return found;
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
