// The names a document refers to (its kind's `references`), worked out once per body. A plan
// checks the documents validation has just checked, most of them the very same objects, and an
// apply orders them by the same references: each pass walked every document again. An answer is
// reused only for the same body, kind and name, and only when every document it looked at (a
// step's template, a tenant's project) is, by identity, the one the new context gives. Bodies
// are never changed in place (an overlay or a dropped scope value makes a new body), so identity
// stands for content; a body no one holds any more takes its answer with it.
import type { KindDocument } from '../core/document.js';
import type { DocumentReference, Kind, ReferenceContext } from './types.js';

interface Answer {
  kind: string;
  name: string;
  references: DocumentReference[];
  /** Each document looked at, with the body it had (undefined: there was none). */
  looked: { kind: KindDocument['kind']; name: string; body: object | undefined }[];
}

const answers = new WeakMap<object, Answer>();

/** `kind.references(doc, context)`, from an earlier answer when it still holds. */
export function referencesOf(kind: Kind | undefined, doc: KindDocument, context: ReferenceContext): DocumentReference[] {
  if (!kind?.references) return [];
  const kept = answers.get(doc.body);
  if (kept && kept.kind === doc.kind && kept.name === doc.name && kept.looked.every((seen) => context.document(seen.kind, seen.name)?.body === seen.body)) return kept.references;
  const looked: Answer['looked'] = [];
  const recording: ReferenceContext = {
    document: (kindName, name) => {
      const found = context.document(kindName, name);
      looked.push({ kind: kindName, name, body: found?.body });
      return found;
    },
  };
  const references = kind.references(doc, recording);
  answers.set(doc.body, { kind: doc.kind, name: doc.name, references, looked });
  return references;
}
