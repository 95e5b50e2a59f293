// Most kinds are one API resource ↔ one file, with a few id references to rename. They are a
// few lines of data over this base; complex kinds write their own functions behind the same
// contract.
import { canonicalize, compareNames } from '../core/canonical.js';
import type { JsonObject, KindDocument, KindName, LiveSpace } from '../core/document.js';
import type { IdResolver, NameResolver } from '../core/refs.js';
import { uniqueSlugs } from '../core/slug.js';
import { SERVER_FIELDS, sensitiveMarker, without } from './fields.js';
import { KIND_OF_COLLECTION } from './collections.js';
import type { DocumentReference, Kind, KindWriter } from './types.js';
import { liveResource, resolved, withClearedFields } from './writing.js';
import { spacePath } from '../octopus/index.js';
import { omitNewerDefaults } from './newer-fields.js';

/** An id reference at the top level of a resource, written by name under another field name. */
export interface FieldRef {
  /** API field holding the id(s): `LifecycleId`, `EnvironmentIds`. */
  field: string;
  /** Document field holding the name(s): `Lifecycle`, `Environments`. */
  as: string;
  /** API collection of the referenced resources. */
  collection: string;
  /** Whether the field holds a list of ids. */
  many?: boolean;
  /** Whether a list's order carries meaning (kept as is); otherwise names are sorted. */
  ordered?: boolean;
}

export interface SimpleKindSpec {
  name: KindName;
  title: string;
  /** The API collection behind the kind (the live state's key). */
  collection: string;
  /** The route segment of its resources when it is not the collection's name (`git-credentials`). */
  path?: string;
  dependsOn: KindName[];
  /** Collections read only for their names. */
  extraReads?: string[];
  refs?: FieldRef[];
  /** Server-managed or computed fields besides the common ones. */
  drop?: string[];
  /** Top-level `SensitiveValue` fields. */
  sensitive?: string[];
  /** Which resources of the collection belong to this kind (built-ins and other kinds excluded). */
  include?: (resource: JsonObject) => boolean;
  /** Kind-specific normalization after the generic one (in place). */
  normalize?: (body: JsonObject, resource: JsonObject, names: NameResolver, where: string) => void;
  /** Kind-specific payload building after the generic one (in place). */
  denormalize?: (payload: JsonObject, body: JsonObject, ids: IdResolver, where: string) => void;
  /** Secrets without which a document cannot be created (see Kind.createRequires). */
  createRequires?: string[];
  /** Names referred to outside the top-level `refs` (nested fields). */
  nestedReferences?: (body: JsonObject) => DocumentReference[];
}

export function simpleKind(spec: SimpleKindSpec): Kind {
  return {
    name: spec.name,
    title: spec.title,
    dependsOn: spec.dependsOn,
    reads: [spec.collection, ...(spec.refs ?? []).map((ref) => ref.collection), ...(spec.extraReads ?? [])].filter(
      (collection, index, all) => all.indexOf(collection) === index,
    ),
    toDocuments: (live, names) => documentsOf(spec, live, names),
    toPayload: (doc, ids) => payloadOf(spec, doc, ids),
    references: (doc) => [...topLevelReferences(spec, doc.body), ...(spec.nestedReferences?.(doc.body) ?? [])],
    writer: collectionWriter(spec),
    ...(spec.createRequires ? { createRequires: spec.createRequires } : {}),
  };
}

/**
 * One resource per document: POST to create, PUT over the destination's own resource to update
 * (so fields the document does not manage, such as ids, keep the destination's values), DELETE.
 */
function collectionWriter(spec: SimpleKindSpec): KindWriter {
  const what = (name: string) => `${spec.title} '${name}'`;
  return {
    writes: [spec.collection],
    create: async (doc, ctx) => {
      const payload = resolved(ctx.ids, what(doc.name), () => payloadOf(spec, doc, ctx.ids));
      await ctx.api.post(spacePath(ctx.spaceId, spec.path ?? spec.collection), payload);
    },
    update: async (doc, current, ctx) => {
      const existing = liveResource(ctx, spec.collection, current.name);
      const payload = resolved(ctx.ids, what(doc.name), () => payloadOf(spec, withClearedFields(doc, current), ctx.ids));
      await ctx.api.put(spacePath(ctx.spaceId, spec.path ?? spec.collection, String(existing.Id)), { ...existing, ...payload });
    },
    remove: async (current, ctx) => {
      const existing = liveResource(ctx, spec.collection, current.name);
      await ctx.api.delete(spacePath(ctx.spaceId, spec.path ?? spec.collection, String(existing.Id)));
    },
  };
}

function topLevelReferences(spec: SimpleKindSpec, body: JsonObject): DocumentReference[] {
  return (spec.refs ?? []).flatMap((ref) => {
    const kind = KIND_OF_COLLECTION[ref.collection];
    const value = body[ref.as];
    if (!kind || value === undefined || value === null) return [];
    const names = Array.isArray(value) ? value : [value];
    return names.map((name, index) => ({
      pointer: Array.isArray(value) ? `/${ref.as}/${index}` : `/${ref.as}`,
      kind,
      name: String(name),
    }));
  });
}

function documentsOf(spec: SimpleKindSpec, live: LiveSpace, names: NameResolver): KindDocument[] {
  const resources = (live[spec.collection] ?? []).filter((resource) => spec.include?.(resource) ?? true);
  const slugs = uniqueSlugs(resources.map((resource) => String(resource.Name)));
  return resources.map((resource) => {
    const name = String(resource.Name);
    const file = `${spec.name}/${slugs.get(name)}.yaml`;
    const where = `${spec.title} '${name}'`;
    const body = without(resource, [...SERVER_FIELDS, ...(spec.drop ?? [])]);
    for (const ref of spec.refs ?? []) {
      const value = resource[ref.field];
      delete body[ref.field];
      if (ref.many) {
        const resolved = names.names(ref.collection, value, `${where} ${ref.field}`);
        body[ref.as] = ref.ordered ? resolved : resolved.sort(compareNames);
      } else {
        body[ref.as] = names.optional(ref.collection, value, `${where} ${ref.field}`);
      }
    }
    for (const field of spec.sensitive ?? []) {
      if (field in body) body[field] = sensitiveMarker(resource[field]);
    }
    spec.normalize?.(body, resource, names, where);
    return { kind: spec.name, name, file, body: canonicalize(omitNewerDefaults(spec.name, body)) };
  }).sort((a, b) => a.file.localeCompare(b.file)); // the server's list order is not ours
}

function payloadOf(spec: SimpleKindSpec, doc: KindDocument, ids: IdResolver): JsonObject {
  const payload: JsonObject = { ...doc.body };
  const where = `${spec.title} '${doc.name}'`;
  for (const ref of spec.refs ?? []) {
    const value = doc.body[ref.as];
    delete payload[ref.as];
    payload[ref.field] = ref.many ? ids.ids(ref.collection, value, `${where} ${ref.as}`) : ids.optional(ref.collection, value, `${where} ${ref.as}`);
  }
  spec.denormalize?.(payload, doc.body, ids, where);
  return payload;
}
