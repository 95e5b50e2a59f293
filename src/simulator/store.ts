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

export class Store {
  private readonly collections = new Map<string, Map<string, Doc>>();
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
    return table.get(id) ?? findCaseInsensitive(table, id);
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
  }

  remove(collection: string, id: string): void {
    this.collections.get(collection)?.delete(id);
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

// Octopus ids are matched case-insensitively in routes (`/projects/projects-1` works).
function findCaseInsensitive(table: Map<string, Doc>, id: string): Doc | undefined {
  const wanted = id.toLowerCase();
  for (const [key, doc] of table) if (key.toLowerCase() === wanted) return doc;
  return undefined;
}
