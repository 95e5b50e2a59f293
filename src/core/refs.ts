// Ids are per instance; names are what instances share. These tables turn one into the other.
// Documents never hold an id: a reference is written by name and resolved by name in the
// destination. A reference that cannot be resolved is a problem naming where it was found.

import type { JsonObject, LiveSpace } from './document.js';

/** How a collection's documents are named, and what they are unique within. */
interface Naming {
  /** Field holding the name (`Name`, or `Username` for users). */
  field: string;
  /** Field holding the owner id when names are unique only within an owner (channels in a project). */
  owner?: string;
}

const NAMING: Record<string, Naming> = {
  users: { field: 'Username' },
  channels: { field: 'Name', owner: 'ProjectId' },
  runbooks: { field: 'Name', owner: 'ProjectId' },
};

export interface Problem {
  /** Where it was found: a document name or file, and a field. */
  where: string;
  message: string;
}

export interface RefTable {
  nameOf(collection: string, id: string): string | undefined;
  /** The id of a name, within an owner for owned collections (channels, runbooks). */
  idOf(collection: string, name: string, ownerId?: string): string | undefined;
  /** The stored resource behind an id. */
  resource(collection: string, id: string): JsonObject | undefined;
}

export function buildRefTable(live: LiveSpace): RefTable {
  // Looked up for every reference of every document: a map per collection, found by the id as
  // given first (ids are read back as the server wrote them) and by its lower case otherwise, so
  // most lookups build no key string.
  const byId = new Map<string, { exact: Map<string, JsonObject>; lower: Map<string, JsonObject>; field: string }>();
  const idByName = new Map<string, string>();
  const nameKey = (collection: string, name: string, owner = '') => `${collection}\u0000${owner.toLowerCase()}\u0000${name.toLowerCase()}`;
  for (const [collection, resources] of Object.entries(live)) {
    const naming = NAMING[collection] ?? { field: 'Name' };
    const exact = new Map<string, JsonObject>();
    const lower = new Map<string, JsonObject>();
    for (const resource of resources) {
      const id = resource.Id;
      if (typeof id !== 'string') continue;
      exact.set(id, resource);
      lower.set(id.toLowerCase(), resource);
      const name = resource[naming.field];
      const owner = naming.owner ? String(resource[naming.owner] ?? '') : '';
      if (typeof name === 'string') idByName.set(nameKey(collection, name, owner), id);
    }
    // Ids equal but for case: the id as given must find what its lower case finds (the last of them).
    if (exact.size !== lower.size) for (const id of exact.keys()) exact.set(id, lower.get(id.toLowerCase()) as JsonObject);
    byId.set(collection, { exact, lower, field: naming.field });
  }
  const resource = (collection: string, id: string) => {
    const maps = byId.get(collection);
    return maps === undefined ? undefined : (maps.exact.get(id) ?? maps.lower.get(id.toLowerCase()));
  };
  return {
    nameOf: (collection, id) => {
      const value = resource(collection, id)?.[byId.get(collection)?.field ?? 'Name'];
      return typeof value === 'string' ? value : undefined;
    },
    idOf: (collection, name, ownerId) => idByName.get(nameKey(collection, name, ownerId)),
    resource,
  };
}

/** Resolves ids to names while normalizing, collecting what cannot be resolved. */
export class NameResolver {
  readonly problems: Problem[] = [];

  constructor(readonly table: RefTable) {}

  /** The name of `id` in `collection`; records a problem (and returns the id) when there is none. */
  name(collection: string, id: unknown, where: string): string {
    if (typeof id !== 'string') {
      this.problems.push({ where, message: `expected an id of ${collection}, got ${JSON.stringify(id)}` });
      return String(id);
    }
    const name = this.table.nameOf(collection, id);
    if (name !== undefined) return name;
    this.problems.push({ where, message: `refers to ${collection} '${id}', which does not exist on the server` });
    return id;
  }

  /** Names of an id list, or an empty list for null. */
  names(collection: string, ids: unknown, where: string): string[] {
    if (!Array.isArray(ids)) return [];
    return ids.map((id) => this.name(collection, id, where));
  }

  /** The name of an optional reference (null stays null). */
  optional(collection: string, id: unknown, where: string): string | null {
    return id === null || id === undefined || id === '' ? null : this.name(collection, id, where);
  }
}

/** Resolves names to a destination's ids while building payloads, collecting what is missing. */
export class IdResolver {
  readonly problems: Problem[] = [];

  constructor(readonly table: RefTable) {}

  id(collection: string, name: unknown, where: string, ownerId?: string): string {
    if (typeof name !== 'string') {
      this.problems.push({ where, message: `expected a name of ${collection}, got ${JSON.stringify(name)}` });
      return '';
    }
    const id = this.table.idOf(collection, name, ownerId);
    if (id !== undefined) return id;
    this.problems.push({ where, message: `refers to ${describe(collection)} '${name}', which does not exist in the destination` });
    return '';
  }

  ids(collection: string, names: unknown, where: string, ownerId?: string): string[] {
    if (!Array.isArray(names)) return [];
    return names.map((name) => this.id(collection, name, where, ownerId));
  }

  optional(collection: string, name: unknown, where: string, ownerId?: string): string | null {
    return name === null || name === undefined || name === '' ? null : this.id(collection, name, where, ownerId);
  }
}

/** What a collection's resources are called in messages. */
const READABLE: Record<string, string> = {
  workerpools: 'worker pool',
  machinepolicies: 'machine policy',
  tagsets: 'tag set',
  libraryvariablesets: 'library variable set',
  actiontemplates: 'step template',
  projectgroups: 'project group',
  scopeduserroles: 'scoped user role',
  userroles: 'user role',
  machines: 'deployment target',
  runbookProcesses: 'runbook process',
  deploymentprocesses: 'deployment process',
};

function describe(collection: string): string {
  return READABLE[collection] ?? collection.replace(/s$/, '');
}
