// The one contract every synced kind implements. Kinds are pure: they turn live API resources
// into documents and documents into API payloads. Reading and writing is done by others.
import type { JsonObject, KindDocument, KindName, LiveSpace } from '../core/document.js';
import type { IdResolver, NameResolver } from '../core/refs.js';

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
}
