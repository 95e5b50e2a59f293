// What the kind tests (test/kinds/*.test.ts) check the same way for every kind: fixtures, documents
// without ids, schema checks, and a round trip through a simulator (payloads written over plain
// HTTP, read back as the snapshotter reads). Each test file keeps only what is its kind's own.
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { afterEach, expect } from 'vitest';
import type { Json, JsonObject, KindDocument, LiveSpace } from '../../src/core/document.js';
import { IdResolver, NameResolver, buildRefTable } from '../../src/core/refs.js';
import type { Problem } from '../../src/core/refs.js';
import type { Kind } from '../../src/kinds/types.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator, SimulatorOptions } from '../../src/simulator/index.js';
import { formatYaml } from '../../src/repo/yaml.js';
import { loadSchemas } from '../../src/validate/schemas.js';
import type { SchemaSet } from '../../src/validate/schemas.js';
import { readLive } from './live.js';
import { simHttp } from './sim-http.js';

/** Reads a kind's JSON fixtures (`folder` is `new URL('./<kind>/fixtures/', import.meta.url)`), so each test names only the file. */
export function fixturesIn(folder: URL): <T = JsonObject>(file: string) => T {
  return <T = JsonObject>(file: string) => JSON.parse(readFileSync(new URL(file, folder), 'utf8')) as T;
}

/**
 * Starts simulators for a test file's tests and closes every one after its test, passed or
 * failed, so no test leaks a server into the next. Call once at the top of the file.
 */
export function simulatorsClosedAfterEach(): (seed?: SimulatorOptions['seed'], options?: Omit<SimulatorOptions, 'seed'>) => Promise<Simulator> {
  const started: Simulator[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((sim) => sim.close()));
  });
  return async (seed, options = {}) => {
    const sim = await startSimulator({ ...options, seed });
    started.push(sim);
    return sim;
  };
}

/** Documents in file order: kinds list them in the server's order, and a read-back may list them in another. */
export function byFile(docs: readonly KindDocument[]): KindDocument[] {
  return [...docs].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/** Documents of several kinds in one comparable order: by kind, then by file. */
export function byKindAndFile(docs: readonly KindDocument[]): KindDocument[] {
  return [...docs].sort((a, b) => a.kind.localeCompare(b.kind) || a.file.localeCompare(b.file));
}

/** A document of the given kind by name; throws (failing the test) when there is none. */
export function documentNamed(docs: readonly KindDocument[], kindName: string, name: string): KindDocument {
  const found = docs.find((doc) => doc.kind === kindName && doc.name === name);
  if (!found) throw new Error(`no ${kindName} document '${name}'`);
  return found;
}

/** Documents as the files a snapshot writes, for comparing YAML text. */
export function yamlOf(docs: readonly KindDocument[]): string {
  return docs.map((doc) => `# ${doc.file}\n${formatYaml(doc.body)}`).join('\n');
}

export interface IdScan {
  /** Strings that look like ids but are names here (a recorded environment called `Test-1`). */
  names?: Iterable<string>;
  /**
   * `documents` (default): every `…Id`/`…Ids` key whatever its value, and every string like
   * `Environments-1`. `processes`: the key `Id` and `…Id` keys holding a GUID, and strings that are
   * ids of a space's own resources; process steps keep `PackageId`s (names).
   */
  rules?: 'documents' | 'processes';
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Ids that are not `<Collection>-<n>`: `feeds-builtin`, `teams-everyone`, `RunbookProcess-Runbooks-1`. */
const SLUG_IDS = [/^(feeds|teams)-[a-z-]+$/, /^RunbookProcess-/];
const ID_RULES = {
  documents: { strings: [/^[A-Za-z]+-\d+$/, ...SLUG_IDS], key: (key: string) => /(^|[a-z])Ids?$/.test(key) },
  processes: {
    strings: [/^(Projects|Environments|Channels|Feeds|WorkerPools|ActionTemplates|Accounts|Teams|Runbooks|RunbookSnapshots)-\d+$/, ...SLUG_IDS],
    key: (key: string, item: Json) => key === 'Id' || (/Id$/.test(key) && typeof item === 'string' && GUID.test(item)),
  },
};

/**
 * Where a document still holds an instance id, which would mean something else in another space:
 * an id-holding key, or a key or string that looks like an id and is not a name. Documents must
 * give `[]`; the paths say where it went wrong.
 */
export function idsIn(value: Json | undefined, scan: IdScan = {}, at = ''): string[] {
  const names = new Set(scan.names ?? []);
  const rules = ID_RULES[scan.rules ?? 'documents'];
  const isId = (text: string) => !names.has(text) && rules.strings.some((pattern) => pattern.test(text));
  const walk = (item: Json | undefined, path: string): string[] => {
    if (typeof item === 'string') return isId(item) ? [`${path}: ${item}`] : [];
    if (Array.isArray(item)) return item.flatMap((child, index) => walk(child, `${path}/${index}`));
    if (item === null || item === undefined || typeof item !== 'object') return [];
    return Object.entries(item).flatMap(([key, child]) => [...(rules.key(key, child) || isId(key) ? [`${path}/${key}`] : []), ...walk(child, `${path}/${key}`)]);
  };
  return walk(value, at);
}

/** The names of every resource in a live space: strings there that look like ids are names. */
export function namesIn(live: LiveSpace): Set<string> {
  return new Set(Object.values(live).flatMap((resources) => resources.map((resource) => resource.Name).filter((name): name is string => typeof name === 'string')));
}

/**
 * One kind's schema checked on its own, with only the shared schema files it refers to (so
 * another kind's schema cannot break it) and ajv's strict mode (so a keyword ajv does not know
 * fails instead of checking nothing). Gives the errors as `<pointer> <message>`.
 */
export function isolatedSchemaErrors(name: string, shared: readonly string[]): (body: Json) => string[] {
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, strictTypes: false, allowUnionTypes: true });
  for (const file of [...shared, name]) {
    ajv.addSchema(JSON.parse(readFileSync(new URL(`../../schemas/${file}.schema.json`, import.meta.url), 'utf8')) as object, `${file}.schema.json`);
  }
  const validate = ajv.getSchema(`${name}.schema.json`);
  if (!validate) throw new Error(`no ${name} schema`);
  return (body) => (validate(body) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ''}`));
}

let loaded: SchemaSet | undefined;

/** The product's schemas as validate loads them, loaded once per test file (compiling them is slow). */
export function productSchemas(): SchemaSet {
  return (loaded ??= loadSchemas());
}

export interface KindChecks {
  /** The kind's documents of a live space, with the resolver that recorded any unresolved ids. */
  documentsOf(live: LiveSpace): { docs: KindDocument[]; names: NameResolver };
  /** A document of this kind with the given body, named by its `Name`. */
  document(body: JsonObject): KindDocument;
  /** Reads a simulator as the snapshotter does and normalizes with the kind; expects no unresolved ids. */
  readDocuments(sim: Simulator): Promise<KindDocument[]>;
  /**
   * Creates each document, or updates the resource of the same name, through the kind's
   * `toPayload` over plain HTTP (`secrets`: what an overlay adds to a document's payload, by
   * name); expects 201 or 200 and returns the payloads' reference problems.
   */
  applyDocuments(sim: Simulator, docs: readonly KindDocument[], secrets?: Record<string, JsonObject>): Promise<Problem[]>;
  /** JSON pointers of what the product's schema check (validate) rejects in a body of this kind. */
  invalidAt(body: JsonObject): string[];
}

export interface KindCheckOptions {
  /** `readDocuments` in file order (default), or as the kind lists them for tests of that order. */
  readOrder?: 'by-file' | 'as-listed';
  /** The file `document()` gives its documents (default `<kind>/x.yaml`). */
  documentFile?: string;
}

/**
 * The shared checks bound to one kind and its API collection (`projectgroups`), so a kind test
 * reads like its own: `const { readDocuments, applyDocuments } = kindChecks(projectGroups, 'projectgroups')`.
 */
export function kindChecks(kind: Kind, collection: string, options: KindCheckOptions = {}): KindChecks {
  const documentsOf = (live: LiveSpace) => {
    const names = new NameResolver(buildRefTable(live));
    return { docs: kind.toDocuments(live, names), names };
  };
  return {
    documentsOf,
    document: (body) => ({ kind: kind.name, name: String(body.Name), file: options.documentFile ?? `${kind.name}/x.yaml`, body }),
    readDocuments: async (sim) => {
      const { docs, names } = documentsOf(await readLive(sim, kind.reads));
      expect(names.problems).toEqual([]);
      return options.readOrder === 'as-listed' ? docs : byFile(docs);
    },
    applyDocuments: async (sim, docs, secrets = {}) => {
      const http = simHttp(sim);
      const ids = new IdResolver(buildRefTable(await readLive(sim, kind.reads)));
      for (const doc of docs) {
        const id = ids.table.idOf(collection, doc.name);
        const payload = { ...kind.toPayload(doc, ids), ...secrets[doc.name] };
        const response = id ? await http.put(`/api/Spaces-1/${collection}/${id}`, payload) : await http.post(`/api/Spaces-1/${collection}`, payload);
        expect(response.status, response.text).toBe(id ? 200 : 201);
      }
      return ids.problems;
    },
    invalidAt: (body) => productSchemas().validate(kind.name, body).map((issue) => issue.pointer),
  };
}
