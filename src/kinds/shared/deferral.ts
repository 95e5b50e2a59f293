// Values that name something created later in the same apply. Octopus's dependency order has
// cycles a document can close: a library variable set's variable or a tenant variable template's
// default names a certificate, and certificates come after tenants, which come after projects and
// library variable sets (a certificate can be tenanted). Such a value cannot be written in the
// kind's turn: the writer leaves it out (`KindWriter.defer`) and apply writes the whole document
// again in its second pass, once everything exists. `plan` has already checked that every name
// exists in the destination or is created by the apply, so what does not resolve yet is made
// later; should it still not resolve in the second pass, that write fails naming it.
import type { Json, KindDocument } from '../../core/document.js';
import { isObject } from '../../core/document.js';
import type { IdResolver } from '../../core/refs.js';
import { KIND_OF_COLLECTION } from '../collections.js';
import { asArray } from '../fields.js';
import type { DocumentReference, ReferenceContext } from '../types.js';
import { existsInDestination } from './resolve.js';

/** Whether the destination has what a reference names, now. */
export function resolvesNow(ids: IdResolver, ref: DocumentReference): boolean {
  const collection = collectionOf(ref.kind);
  if (ref.kind === 'tag-sets' && ref.name.includes('/')) return tagExists(ids, ref.name);
  if (ref.project !== undefined) {
    const projectId = ids.table.idOf('projects', ref.project);
    return projectId !== undefined && ids.table.idOf(collection, ref.name, projectId) !== undefined;
  }
  return existsInDestination(ids, collection, ref.name);
}

/** The references among `refs` the destination cannot resolve yet. */
export function unresolvedNow(refs: readonly DocumentReference[], ids: IdResolver): DocumentReference[] {
  return refs.filter((ref) => !resolvesNow(ids, ref));
}

/**
 * A document without the values at these JSON pointers: an object's key is deleted, a list's item
 * removed. The same document (the same object) when there is nothing to remove.
 */
export function withoutPointers(doc: KindDocument, pointers: readonly string[]): KindDocument {
  if (pointers.length === 0) return doc;
  const body = structuredClone(doc.body);
  // Deepest and last first, so the positions of those still to remove do not move.
  const ordered = [...new Set(pointers)].map(parsePointer).sort(comparePaths).reverse();
  for (const path of ordered) {
    const parent = path.slice(0, -1).reduce<Json | undefined>((node, segment) => (Array.isArray(node) ? node[Number(segment)] : isObject(node) ? node[segment] : undefined), body);
    const last = path[path.length - 1] ?? '';
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else if (isObject(parent)) delete parent[last];
  }
  return { ...doc, body };
}

/**
 * What the destination's resources say about documents of other kinds, for references that
 * depend on them (the templates of its projects and library variable sets, with their control
 * types): the raw resource stands in for the document, which holds templates the same way.
 */
export function destinationContext(ids: IdResolver): ReferenceContext {
  const collections: Record<string, string> = { projects: 'projects', 'library-variable-sets': 'libraryvariablesets', 'step-templates': 'actiontemplates' };
  return {
    document: (kind, name) => {
      const collection = collections[kind];
      const id = collection === undefined ? undefined : ids.table.idOf(collection, name);
      const resource = id === undefined || collection === undefined ? undefined : ids.table.resource(collection, id);
      return resource ? { kind, name, file: '', body: resource } : undefined;
    },
  };
}

function tagExists(ids: IdResolver, canonical: string): boolean {
  const slash = canonical.indexOf('/');
  const tagSetId = ids.table.idOf('tagsets', canonical.slice(0, slash));
  const tags = tagSetId === undefined ? [] : asArray(ids.table.resource('tagsets', tagSetId)?.Tags);
  const tag = canonical.slice(slash + 1).toLowerCase();
  return tags.some((candidate) => isObject(candidate) && String(candidate.Name).toLowerCase() === tag);
}

function collectionOf(kind: string): string {
  return Object.entries(KIND_OF_COLLECTION).find(([, candidate]) => candidate === kind)?.[0] ?? kind;
}

function parsePointer(pointer: string): string[] {
  return pointer
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function comparePaths(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i += 1) {
    const [x, y] = [a[i] ?? '', b[i] ?? ''];
    if (x === y) continue;
    return /^\d+$/.test(x) && /^\d+$/.test(y) ? Number(x) - Number(y) : x < y ? -1 : 1;
  }
  return a.length - b.length;
}

