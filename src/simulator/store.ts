// In-memory state of one simulated Octopus Server: documents by collection, id counters,
// secrets kept apart from documents, and the events log.

export type Doc = Record<string, unknown> & { Id: string };

export type EventCategory = 'Created' | 'Modified' | 'Deleted';

export interface EventRecord {
  Id: string;
  AutoId: number;
  Category: EventCategory;
  RelatedDocumentIds: string[];
  SpaceId: string | null;
  Occurred: string;
  Message: string;
  UserId: string;
  Username: string;
  DocumentType: string;
}

/**
 * Documents of a collection by the text of one field, lower-cased: a lookup by name, slug or
 * owner reads the few documents that can match instead of the whole collection. `keyOf` says
 * where each document is filed, so a document changed in place and put again moves correctly.
 */
interface FieldIndex {
  byValue: Map<string, Map<string, Doc>>;
  keyOf: Map<string, string>;
}

export class Store {
  private readonly collections = new Map<string, Map<string, Doc>>();
  // Octopus ids are matched case-insensitively (`/projects/projects-1` works): lower-cased id → document.
  private readonly lowerIds = new Map<string, Map<string, Doc>>();
  private readonly indexes = new Map<string, Map<string, FieldIndex>>();
  private readonly counters = new Map<string, number>();
  // Secrets never live inside documents, so no read path can return one by mistake.
  private readonly secrets = new Map<string, string>();
  private readonly eventLog: EventRecord[] = [];

  /**
   * `idOffset`: where every id counter starts, so the first id of a collection is
   * `<Prefix>-<idOffset + 1>`. A fresh server starts at 0; simulators started side by side get
   * different offsets, so an id copied from one never names anything in another.
   */
  constructor(
    readonly now: () => Date = () => new Date(),
    readonly idOffset = 0,
  ) {}

  /** Ids are `<Prefix>-N`, N counting per prefix across the whole server, as Octopus does. */
  allocateId(prefix: string): string {
    const next = (this.counters.get(prefix) ?? this.idOffset) + 1;
    this.counters.set(prefix, next);
    return `${prefix}-${next}`;
  }

  /** Records an id given explicitly (a well-known one) so allocation never hands it out again. */
  noteId(prefix: string, id: string): void {
    const match = new RegExp(`^${prefix}-(\\d+)$`, 'i').exec(id);
    if (match) this.counters.set(prefix, Math.max(this.counters.get(prefix) ?? this.idOffset, Number(match[1])));
  }

  get(collection: string, id: string): Doc | undefined {
    const table = this.collections.get(collection);
    if (!table) return undefined;
    return table.get(id) ?? this.lowerIds.get(collection)?.get(id.toLowerCase());
  }

  /**
   * Documents of a collection (every space) whose `field`, as text, equals `value` ignoring case.
   * Callers check their own condition on what comes back; the index only narrows the search.
   */
  withField(collection: string, field: string, value: unknown): Doc[] {
    const index = this.index(collection, field);
    return [...(index.byValue.get(fieldKey(value)) ?? new Map<string, Doc>()).values()];
  }

  /** Documents of a collection; with a space id, only that space's (and system-wide ones when asked). */
  list(collection: string, spaceId?: string | null): Doc[] {
    const all = [...(this.collections.get(collection)?.values() ?? [])];
    if (spaceId === undefined) return all;
    return all.filter((doc) => (doc.SpaceId ?? null) === spaceId);
  }

  put(collection: string, doc: Doc): void {
    let table = this.collections.get(collection);
    if (!table) {
      table = new Map();
      this.collections.set(collection, table);
    }
    table.set(doc.Id, doc);
    let lower = this.lowerIds.get(collection);
    if (!lower) {
      lower = new Map();
      this.lowerIds.set(collection, lower);
    }
    lower.set(doc.Id.toLowerCase(), doc);
    for (const [field, index] of this.indexes.get(collection) ?? []) file(index, doc, field);
  }

  remove(collection: string, id: string): void {
    if (!this.collections.get(collection)?.delete(id)) return;
    this.lowerIds.get(collection)?.delete(id.toLowerCase());
    for (const index of this.indexes.get(collection)?.values() ?? []) unfile(index, id);
  }

  /** The index of a collection by a field, built on first use and kept up to date by put and remove. */
  private index(collection: string, field: string): FieldIndex {
    let byField = this.indexes.get(collection);
    if (!byField) {
      byField = new Map();
      this.indexes.set(collection, byField);
    }
    let index = byField.get(field);
    if (!index) {
      index = { byValue: new Map(), keyOf: new Map() };
      for (const doc of this.collections.get(collection)?.values() ?? []) file(index, doc, field);
      byField.set(field, index);
    }
    return index;
  }

  setSecret(key: string, value: string | undefined): void {
    if (value === undefined) this.secrets.delete(key);
    else this.secrets.set(key, value);
  }

  hasSecret(key: string): boolean {
    return this.secrets.has(key);
  }

  readSecret(key: string): string | undefined {
    return this.secrets.get(key);
  }

  /** Drops every secret whose key starts with `prefix` and is not in `keep`. */
  pruneSecrets(prefix: string, keep: ReadonlySet<string>): void {
    for (const key of [...this.secrets.keys()]) {
      if (key.startsWith(prefix) && !keep.has(key)) this.secrets.delete(key);
    }
  }

  /** Every secret value held: tests search Git history and logs for them. */
  secretValues(): string[] {
    return [...new Set(this.secrets.values())];
  }

  recordEvent(event: Omit<EventRecord, 'Id' | 'AutoId' | 'Occurred'>): EventRecord {
    const autoId = this.eventLog.length + 1;
    const record: EventRecord = {
      ...event,
      Id: `Events-${autoId}`,
      AutoId: autoId,
      Occurred: this.now().toISOString(),
    };
    this.eventLog.push(record);
    return record;
  }

  /** Events, oldest first. */
  events(): readonly EventRecord[] {
    return this.eventLog;
  }
}

function fieldKey(value: unknown): string {
  return value === undefined || value === null ? '' : String(value).toLowerCase();
}

function file(index: FieldIndex, doc: Doc, field: string): void {
  const key = fieldKey(doc[field]);
  const previous = index.keyOf.get(doc.Id);
  if (previous !== undefined && previous !== key) unfile(index, doc.Id);
  let docs = index.byValue.get(key);
  if (!docs) {
    docs = new Map();
    index.byValue.set(key, docs);
  }
  docs.set(doc.Id, doc);
  index.keyOf.set(doc.Id, key);
}

function unfile(index: FieldIndex, id: string): void {
  const key = index.keyOf.get(id);
  if (key === undefined) return;
  index.keyOf.delete(id);
  const docs = index.byValue.get(key);
  docs?.delete(id);
  if (docs?.size === 0) index.byValue.delete(key);
}
