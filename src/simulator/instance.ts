// The simulated server's model: create, update, delete and read documents with Octopus's
// semantics (ids, defaults, uniqueness, references, sensitive values, Version, events).
// HTTP routes and seeds both go through here, so seeded data obeys the same rules as API writes.
import { HttpError, notFound, validationFailed } from './http-error.js';
import type { ResourceDef, SaveContext } from './resource-def.js';
import { applySensitiveValue } from './sensitive.js';
import { serverSettings } from './settings.js';
import type { ServerSettings } from './settings.js';
import type { Doc, EventCategory, Store } from './store.js';
import { slugify } from './slug.js';
import { sharedGitHost } from './git-host.js';
import type { GitHost } from './git-host.js';

export interface SimUser {
  Id: string;
  Username: string;
  DisplayName: string;
}

/** Fields every resource has that only the server sets. */
const SERVER_FIELDS = ['Id', 'SpaceId', 'Links', 'LastModifiedOn', 'LastModifiedBy'];

export class Instance {
  readonly defs = new Map<string, ResourceDef>();
  readonly installationId: string;
  /** Where version-controlled projects' repositories are (shared by the simulators of a process unless given one). */
  gitHost: GitHost = sharedGitHost;

  constructor(
    readonly store: Store,
    readonly user: SimUser,
    definitions: ResourceDef[],
    installationId: string,
    /** Version, flavour and switches of the simulated server (mutable: tests flip them). */
    readonly settings: ServerSettings = serverSettings(),
  ) {
    for (const def of definitions) this.defs.set(def.collection, def);
    this.installationId = installationId;
  }

  def(collection: string): ResourceDef {
    const def = this.defs.get(collection);
    if (!def) throw new Error(`simulator: no resource definition for '${collection}'`);
    return def;
  }

  /** Documents of a collection visible in a space (system collections ignore the space), sorted as Octopus sorts them. */
  list(collection: string, spaceId: string | null): Doc[] {
    return sortDocs(this.visible(collection, spaceId), this.def(collection).sortBy ?? 'Name');
  }

  /** Documents of a collection visible in a space, unsorted (for lookups, which need no order). */
  visible(collection: string, spaceId: string | null): Doc[] {
    const def = this.def(collection);
    const docs = this.store.list(collection);
    return def.scope === 'space' ? docs.filter((doc) => visibleIn(def, doc, spaceId)) : docs;
  }

  get(collection: string, spaceId: string | null, id: string): Doc {
    const doc = this.find(collection, spaceId, id);
    if (!doc) throw notFound(id);
    return doc;
  }

  find(collection: string, spaceId: string | null, id: string): Doc | undefined {
    const def = this.def(collection);
    const doc = this.store.get(collection, id);
    if (!doc) return undefined;
    if (def.scope === 'space' && !visibleIn(def, doc, spaceId)) return undefined;
    return doc;
  }

  findByName(collection: string, spaceId: string | null, name: string): Doc | undefined {
    const wanted = name.toLowerCase();
    return this.visibleWhere(collection, spaceId, 'Name', name).find((doc) => String(doc.Name ?? '').toLowerCase() === wanted);
  }

  /**
   * Documents of a collection visible in a space whose `field`, as text, equals `value` ignoring
   * case (callers check their exact condition), looked up in the store's index: a write's
   * uniqueness and ownership checks cost the same in a space of ten projects or two thousand.
   */
  visibleWhere(collection: string, spaceId: string | null, field: string, value: unknown): Doc[] {
    const def = this.def(collection);
    const docs = this.store.withField(collection, field, value);
    return def.scope === 'space' ? docs.filter((doc) => visibleIn(def, doc, spaceId)) : docs;
  }

  create(collection: string, spaceId: string | null, body: unknown, options: { id?: string; installing?: boolean } = {}): Doc {
    const def = this.def(collection);
    const input = asObject(body);
    const doc: Doc = { ...def.defaults(), ...withoutFields(input, [...SERVER_FIELDS, ...(def.serverManaged ?? [])]), Id: '' };
    if (options.id !== undefined) {
      if (this.store.get(collection, options.id)) throw validationFailed([`The id '${options.id}' is already in use.`]);
      this.store.noteId(def.idPrefix, options.id);
    }
    doc.Id = options.id ?? this.store.allocateId(def.idPrefix);
    if (def.scope === 'space') doc.SpaceId = spaceId;
    const ctx: SaveContext = { instance: this, spaceId, input, installing: options.installing };
    this.save(def, doc, input, ctx);
    this.record('Created', def, doc);
    def.afterCreate?.(doc, ctx);
    return doc;
  }

  update(collection: string, spaceId: string | null, id: string, body: unknown, options: { installing?: boolean } = {}): Doc {
    const def = this.def(collection);
    const previous = this.get(collection, spaceId, id);
    const input = asObject(body);
    // A PUT carries the whole resource; what it leaves out takes its default, as the server's
    // model binding does. Server-managed and create-only fields keep their stored values.
    const doc: Doc = { ...def.defaults(), ...withoutFields(input, [...SERVER_FIELDS, ...(def.serverManaged ?? [])]), Id: previous.Id };
    for (const field of [...(def.serverManaged ?? []), ...(def.createOnly ?? []), 'SpaceId']) {
      if (field in previous) doc[field] = previous[field];
    }
    if (def.versioned) doc.Version = previous.Version;
    const ctx: SaveContext = { instance: this, spaceId, previous, input, installing: options.installing };
    this.save(def, doc, input, ctx);
    this.record('Modified', def, doc);
    return doc;
  }

  remove(collection: string, spaceId: string | null, id: string): void {
    const def = this.def(collection);
    const doc = this.get(collection, spaceId, id);
    def.beforeDelete?.(doc, { instance: this, spaceId, previous: doc });
    this.store.remove(collection, doc.Id);
    this.store.pruneSecrets(`${doc.Id}:`, new Set());
    this.record('Deleted', def, doc);
  }

  /** Stores a document written outside the generic create/update (owned documents). */
  saveOwned(collection: string, doc: Doc, category: EventCategory): Doc {
    const def = this.def(collection);
    this.stamp(doc);
    if (def.versioned) doc.Version = category === 'Created' ? 0 : Number(doc.Version ?? 0) + 1;
    this.store.put(collection, doc);
    this.record(category, def, doc);
    return doc;
  }

  /**
   * Rejects a write whose `Version` is not the stored one (optimistic concurrency). `conflict`
   * replaces the generic message with the collection's own wording.
   */
  checkVersion(stored: Doc, input: Record<string, unknown>, what: string, conflict?: string): void {
    if (input.Version === undefined || input.Version === null) {
      throw validationFailed(['The Version field is required.']);
    }
    if (Number(input.Version) !== Number(stored.Version)) {
      throw new HttpError(
        400,
        conflict ??
          `Changes to this ${what} could not be saved, because another user has made changes to the ${what} between when you started editing and when you saved your changes. Please reload and try again.`,
      );
    }
  }

  private save(def: ResourceDef, doc: Doc, input: Record<string, unknown>, ctx: SaveContext): void {
    const errors = [
      ...this.checkRequired(def, doc),
      ...this.checkUniqueName(def, doc, ctx.spaceId),
      ...this.checkReferences(def, doc, ctx.spaceId),
      ...(def.validate?.(doc, ctx) ?? []),
    ];
    if (errors.length > 0) throw validationFailed(errors);
    if (def.slug) doc.Slug = this.uniqueSlug(def, doc, ctx.spaceId);
    for (const field of def.sensitiveFields ?? []) {
      doc[field] = applySensitiveValue(this.store, `${doc.Id}:${field}`, input[field], ctx.previous === undefined);
    }
    def.prepare?.(doc, ctx);
    if (def.versioned) doc.Version = ctx.previous ? Number(ctx.previous.Version ?? 0) + 1 : 0;
    this.stamp(doc);
    this.store.put(def.collection, doc);
  }

  private stamp(doc: Doc): void {
    doc.LastModifiedOn = this.store.now().toISOString();
    doc.LastModifiedBy = this.user.Username;
  }

  private checkRequired(def: ResourceDef, doc: Doc): string[] {
    return (def.required ?? [])
      .filter((field) => doc[field] === undefined || doc[field] === null || doc[field] === '')
      .map((field) => `The ${field} field is required.`);
  }

  private checkUniqueName(def: ResourceDef, doc: Doc, spaceId: string | null): string[] {
    if (def.uniqueName === false || typeof doc.Name !== 'string') return [];
    const clash = this.findByName(def.collection, spaceId, doc.Name);
    if (clash && clash.Id !== doc.Id) {
      return [`The name '${doc.Name}' is already in use by another ${def.itemType.toLowerCase()}. Please choose a different name.`];
    }
    return [];
  }

  private checkReferences(def: ResourceDef, doc: Doc, spaceId: string | null): string[] {
    const errors: string[] = [];
    for (const ref of def.references ?? []) {
      for (const id of ref.ids(doc)) {
        if (id === null || id === undefined || id === '') continue;
        if (typeof id !== 'string' || !this.find(ref.collection, spaceId, id)) {
          errors.push(`${ref.field}: the ${this.def(ref.collection).itemType.toLowerCase()} '${String(id)}' does not exist.`);
        }
      }
    }
    return errors;
  }

  private uniqueSlug(def: ResourceDef, doc: Doc, spaceId: string | null): string {
    const requested = typeof doc.Slug === 'string' && doc.Slug !== '' ? doc.Slug : slugify(String(doc.Name ?? doc.Id));
    // Channels and runbooks are named within their project, and so are their slugs (inferred).
    const sameOwner = (other: Doc) => def.uniqueName !== false || !('ProjectId' in doc) || other.ProjectId === doc.ProjectId;
    // Looked up among the owner's documents when slugs are per owner (every project has a channel
    // `default`), else by slug.
    const perOwner = def.uniqueName === false && 'ProjectId' in doc;
    const taken = (slug: string) =>
      this.visibleWhere(def.collection, spaceId, perOwner ? 'ProjectId' : 'Slug', perOwner ? doc.ProjectId : slug).some(
        (other) => other.Id !== doc.Id && sameOwner(other) && String(other.Slug ?? '').toLowerCase() === slug.toLowerCase(),
      );
    let slug = requested;
    for (let n = 1; taken(slug); n += 1) slug = `${requested}-${n}`;
    return slug;
  }

  private record(category: EventCategory, def: ResourceDef, doc: Doc): void {
    const name = typeof doc.Name === 'string' ? doc.Name : doc.Id;
    this.store.recordEvent({
      Category: category,
      RelatedDocumentIds: [doc.Id, ...(def.relatedIds?.(doc) ?? [])].filter((id) => id !== ''),
      SpaceId: def.scope === 'space' ? ((doc.SpaceId as string | null) ?? null) : null,
      Message: `${category === 'Created' ? 'Created' : category === 'Modified' ? 'Modified' : 'Deleted'} ${def.itemType.toLowerCase()} ${name}`,
      UserId: this.user.Id,
      Username: this.user.Username,
      DocumentType: def.idPrefix,
    });
  }
}

function visibleIn(def: ResourceDef, doc: Doc, spaceId: string | null): boolean {
  const docSpace = (doc.SpaceId as string | null | undefined) ?? null;
  return docSpace === spaceId || (def.systemDocsVisible === true && docSpace === null);
}

export function asObject(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new HttpError(400, 'The request body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}

function withoutFields(input: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  const copy = { ...input };
  for (const field of fields) delete copy[field];
  return copy;
}

// One collator for every sort: creating one per comparison (localeCompare with options) made
// listing large collections slow.
const NAME_ORDER = new Intl.Collator('en', { sensitivity: 'base' });

function sortDocs(docs: Doc[], by: 'Name' | 'SortOrder' | 'Id'): Doc[] {
  const byName = (a: Doc, b: Doc) => NAME_ORDER.compare(String(a.Name ?? ''), String(b.Name ?? ''));
  const byId = (a: Doc, b: Doc) => idNumber(a.Id) - idNumber(b.Id) || a.Id.localeCompare(b.Id);
  if (by === 'Name') return docs.sort((a, b) => byName(a, b) || byId(a, b));
  if (by === 'SortOrder') return docs.sort((a, b) => Number(a.SortOrder ?? 0) - Number(b.SortOrder ?? 0) || byName(a, b));
  return docs.sort(byId);
}

function idNumber(id: string): number {
  const match = /-(\d+)$/.exec(id);
  return match ? Number(match[1]) : 0;
}

