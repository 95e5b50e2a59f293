// The one contract every synced kind implements. Kinds are pure: they turn live API resources
// into documents and documents into API payloads. Reading and writing is done by others.
import type { JsonObject, KindDocument, KindName, LiveSpace } from '../core/document.js';
import type { IdResolver, NameResolver } from '../core/refs.js';
import type { OctopusApi } from '../octopus/index.js';

/** Kinds octosync never syncs but documents refer to by name: they must exist in each destination. */
export type ExternalKind = 'accounts' | 'users' | 'user-roles' | 'deployment-targets' | 'workers' | 'parent-environments';

/** A name a document refers to. */
export interface DocumentReference {
  /** JSON pointer of the name in the document body. */
  pointer: string;
  kind: KindName | ExternalKind;
  name: string;
  /** For names unique only within a project (channels, runbooks): the project's name. */
  project?: string;
}

/**
 * What a document's references may depend on beyond the document itself: other documents of the
 * space, by kind and name. An action's property holds a name when its step template's parameter
 * has a control type that refers to something; a tenant's value when its project's or library
 * variable set's template does. `validate` builds it from the repository, `plan` from the
 * desired and live documents.
 */
export interface ReferenceContext {
  document(kind: KindName, name: string): KindDocument | undefined;
}

/** What a writer gets: the destination, its live resources, and a name → id resolver over them. */
export interface WriteContext {
  api: OctopusApi;
  /** The destination space's id. */
  spaceId: string;
  /** The destination space's raw resources as last read; re-read after each kind is applied. */
  live: LiveSpace;
  /** Names → destination ids over `live`; a writer fails (before writing) when it records problems. */
  ids: IdResolver;
}

/** The rest of a create, given the context as read again after every create of its kind. */
export type AfterCreates = (ctx: WriteContext) => Promise<void>;

/**
 * How a kind's documents are written to a destination. Apply calls it in dependency order with
 * documents whose secrets are already filled in from the overlay (a SensitiveValue as
 * `{HasValue: true, NewValue: <value>}`, a sensitive variable with its `Value`); everywhere
 * else secrets stay markers and the destination keeps what it has.
 */
export interface KindWriter {
  /** API collections this kind's writes change: re-read after the kind is applied. */
  writes: readonly string[];
  /**
   * May return what is left to do once the kind's collections (`writes`) were read back after
   * all its creates (a new runbook's process, written with the Version that read gives): one
   * read for the kind rather than one per document. The create counts as done when that is.
   */
  create(doc: KindDocument, ctx: WriteContext): Promise<void | AfterCreates>;
  /** Set when `create` may return such a second step: apply then counts a create as two writes. */
  createsInTwoSteps?: boolean;
  /** `current` is the destination's document of the same name, normalized like `doc`. */
  update(doc: KindDocument, current: KindDocument, ctx: WriteContext): Promise<void>;
  remove(current: KindDocument, ctx: WriteContext): Promise<void>;
  /**
   * The document without the values that name something the destination does not have yet (made
   * later in the same apply, see shared/deferral.ts), or the same document when there are none.
   * Apply writes this in the kind's turn and the whole document in the second pass.
   */
  defer?(doc: KindDocument, ids: IdResolver): KindDocument;
  /**
   * A second pass after every kind was created and updated, for references to documents written
   * later in the same apply (a project's release-creation channel). Writes only what is wrong.
   */
  finish?(doc: KindDocument, ctx: WriteContext): Promise<void>;
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
  references?(doc: KindDocument, context?: ReferenceContext): DocumentReference[];
  /** Secrets (paths) without which a document cannot be created, e.g. a certificate's data. */
  createRequires?: readonly string[];
  /** How apply writes its documents (the only part of a kind that does I/O, through `ctx.api`). */
  writer?: KindWriter;
}
