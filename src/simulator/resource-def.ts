// How one Octopus collection behaves. Simple collections are only data here; collections with
// owned documents or derived fields add hooks.
import type { Doc } from './store.js';
import type { Instance } from './instance.js';

/** A field of a document that refers to other documents by id. */
export interface Reference {
  /** Collection the ids must exist in (in the same space, or system-wide). */
  collection: string;
  /** The ids the document refers to; empty values are ignored. */
  ids(doc: Doc): unknown[];
  /** Field name used in error messages. */
  field: string;
}

export interface SaveContext {
  instance: Instance;
  spaceId: string | null;
  /** The stored document before this save; absent on create. */
  previous?: Doc;
  /** The request body as sent (before defaults and server-managed fields were applied). */
  input?: Record<string, unknown>;
  /** The write installs or updates a community step template (the only way such a template is written). */
  installing?: boolean;
}

export interface ResourceDef {
  /** Route segment and store key, e.g. `environments`. */
  collection: string;
  /** Id prefix, e.g. `Environments`. */
  idPrefix: string;
  /** `ItemType` of collection responses and the event document type. */
  itemType: string;
  /** `space`: lives in one space; `system`: server-wide. */
  scope: 'space' | 'system';
  /** Whether documents with `SpaceId: null` (server-wide ones) are visible in every space. */
  systemDocsVisible?: boolean;
  /** List order: Octopus sorts most lists by Name, some by SortOrder. */
  sortBy?: 'Name' | 'SortOrder' | 'Id';
  /** Whether the server keeps a `Slug` derived from the Name. */
  slug?: boolean;
  /** Whether a `Version` counter increments on every save. */
  versioned?: boolean;
  /** Whether names are unique (case-insensitive) within the space. Default true. */
  uniqueName?: boolean;
  /** Fields that must be present and non-empty. */
  required?: string[];
  /** The shape of a new document: every field a real server returns, with its default. */
  defaults(): Record<string, unknown>;
  references?: Reference[];
  /** Top-level fields holding an Octopus `SensitiveValue`. */
  sensitiveFields?: string[];
  /** Fields that can be set on create only (`WriteableOnCreate`): PUT keeps the stored value. */
  createOnly?: string[];
  /** Fields the server computes: a body can't set them. */
  serverManaged?: string[];
  /** Extra list filters by query parameter. */
  filters?: Record<string, (doc: Doc, value: string) => boolean>;
  /** Further validation; returns error lines. */
  validate?(doc: Doc, ctx: SaveContext): string[];
  /** Derives computed fields before the document is stored. */
  prepare?(doc: Doc, ctx: SaveContext): void;
  /** Creates owned documents after the document is stored. */
  afterCreate?(doc: Doc, ctx: SaveContext): void;
  /** Refuses or cascades a delete. */
  beforeDelete?(doc: Doc, ctx: SaveContext): void;
  /** Links beyond `Self`. */
  links?(doc: Doc, self: string): Record<string, string>;
  /** Ids that events about this document relate to, besides its own. */
  relatedIds?(doc: Doc): string[];
}

export function idsOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value === null || value === undefined || value === '') return [];
  return [value];
}
