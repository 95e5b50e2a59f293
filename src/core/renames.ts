// A resource renamed at the source is the same resource: Octopus renames by PUT, keeping its id,
// its releases and history, and everything scoped to it. A desired document that the destination
// does not have, and a document octosync applied there that the repository no longer has, of the
// same kind and equal in everything but their name, are that resource renamed, when each is the
// other's only match. Anything less certain stays a create and a delete.
import { jsonEqual } from './canonical.js';
import type { JsonObject, KindDocument, KindName } from './document.js';
import { documentKey } from './plan.js';

export interface Rename {
  space: string;
  kind: KindName;
  from: string;
  to: string;
}

export function findRenames(space: string, kinds: ReadonlySet<KindName>, desired: readonly KindDocument[], live: readonly KindDocument[], managed: ReadonlySet<string>): Rename[] {
  const key = (doc: KindDocument) => `${doc.kind}\u0000${doc.name.toLowerCase()}`;
  const desiredKeys = new Set(desired.map(key));
  const liveKeys = new Set(live.map(key));
  const created = desired.filter((doc) => kinds.has(doc.kind) && !liveKeys.has(key(doc)));
  const gone = live.filter((doc) => kinds.has(doc.kind) && !desiredKeys.has(key(doc)) && managed.has(documentKey(space, doc.kind, doc.name)));
  const same = (a: KindDocument, b: KindDocument) => a.kind === b.kind && jsonEqual(withoutName(a.body), withoutName(b.body));
  const renames: Rename[] = [];
  for (const doc of created) {
    const matches = gone.filter((old) => same(old, doc));
    if (matches.length !== 1) continue;
    const [old] = matches as [KindDocument];
    if (created.filter((other) => same(old, other)).length !== 1) continue;
    renames.push({ space, kind: doc.kind, from: old.name, to: doc.name });
  }
  return renames;
}

function withoutName(body: JsonObject): JsonObject {
  const { Name: _name, ...rest } = body;
  return rest;
}

/** Whether `text` names `name` as a whole (not inside a longer word: `Staging` is not in `Staging2`). */
export function mentions(text: string, name: string): boolean {
  const word = /[\p{L}\p{N}_]/u;
  for (let at = text.indexOf(name); at !== -1; at = text.indexOf(name, at + 1)) {
    const before = text[at - 1];
    const after = text[at + name.length];
    if ((before === undefined || !word.test(before)) && (after === undefined || !word.test(after))) return true;
  }
  return false;
}
