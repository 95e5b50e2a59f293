// The one contract every synced kind implements. Kinds are pure: they turn live API resources
// into documents and documents into API payloads. Reading and writing is done by others.
import type { JsonObject, KindDocument, KindName, LiveSpace } from '../core/document.js';
import type { IdResolver, NameResolver } from '../core/refs.js';

/** Kinds octosync never syncs but documents refer to by name: they must exist in each destination. */
export type ExternalKind = 'accounts' | 'users' | 'user-roles' | 'deployment-targets' | 'workers';

/** A name a document refers to. */
export interface DocumentReference {
  /** JSON pointer of the name in the document body. */
  pointer: string;
  kind: KindName | ExternalKind;
  name: string;
  /** For names unique only within a project (channels, runbooks): the project's name. */
  project?: string;
}

export interface Kind {
  name: KindName;
  /** What this kind's documents are: `environment`, `project variables`. */
  title: string;
  /** Kinds whose documents this one refers to; they are applied first and deleted last. */
  dependsOn: readonly KindName[];
  /**
   * API collections this kind needs read (space-wide endpoints, see collections.ts): its own
   * resources and those whose names it writes in place of ids.
   */
  reads: readonly string[];
  /** Live resources of a space → this kind's documents (pure). */
  toDocuments(live: LiveSpace, names: NameResolver): KindDocument[];
  /**
   * A document → the API payload that creates or updates it, with names resolved to the
   * destination's ids (pure). Sensitive fields stay `{HasValue: true}` (keep what is there).
   */
  toPayload(doc: KindDocument, ids: IdResolver): JsonObject;
  /** The names a document refers to, for `validate`'s reference checks (pure). */
  references?(doc: KindDocument): DocumentReference[];
}
