// Validates a state repository's files (pure: contents in, issues out): YAML syntax, JSON
// Schemas, duplicate names, and references between documents. Issues are values naming the
// file, the line and the JSON pointer; the command decides what to do with them.
import type { Json, JsonObject, KindDocument, KindName } from '../core/document.js';
import { isObject } from '../core/document.js';
import { KnownNames, describeMissing } from '../core/references.js';
import { CONFIG_FILE, DESTINATIONS_DIR, SPACES_DIR, documentName, isGitHeldFile, locateDocument } from '../repo/layout.js';
import { YamlSyntaxError, parseYaml } from '../repo/yaml.js';
import type { ParsedYaml } from '../repo/yaml.js';
import { loadYaml } from '../repo/yaml-load.js';
import { BUILT_IN_NAMES } from '../kinds/shared/built-ins.js';
import type { ExternalKind, Kind, ReferenceContext } from '../kinds/types.js';
import { referencesOf } from '../kinds/document-references.js';
import type { SchemaSet } from './schemas.js';
import { knownFields } from '../kinds/known-fields.js';
import { describeUnknown, unknownFields } from './unknown-fields.js';
import { escapeName } from '../core/names.js';
import { ownStrings } from './own-strings.js';
import type { YamlAhead } from '../repo/yaml-ahead.js';

export interface Issue {
  file: string;
  line: number;
  pointer: string;
  message: string;
}

export interface ValidationReport {
  errors: Issue[];
  /** What is probably fine but worth a look: fields the 2026 reference does not know (they pass through). */
  warnings: Issue[];
  /** The value of every file it read (path → value), so a caller need not parse them again. */
  values: ReadonlyMap<string, Json>;
  /** Files that passed their schema with no unknown field: the same content at the same path needs no second look. */
  clean: ReadonlySet<string>;
  /** Names of never-synced kinds the repository refers to: they must exist in each destination. */
  external: { kind: ExternalKind; name: string; files: string[] }[];
  documents: number;
}

interface ParsedDocument {
  file: string;
  space: string;
  parsed: ParsedYaml;
  /** Whether it passed its schema (only valid documents have their references checked). */
  valid: boolean;
  doc: KindDocument;
}

const EXTERNAL_KINDS = new Set<string>(['accounts', 'users', 'user-roles', 'deployment-targets', 'workers']);

/**
 * The largest file octosync reads. Far beyond any real document (a process with many long
 * scripts is well under a megabyte), and small enough that planning and applying one stays within
 * memory: a 50 MB script once took 818 MB to apply.
 */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

/**
 * `parsed` may give the value of files already in memory (what a snapshot just wrote, or a
 * cache by blob): they are not parsed again, unless an issue needs a line number. `clean` names
 * files whose content, at the same path, was found clean before (see ValidationReport.clean):
 * their schema and fields are not checked again (names and references still are: they depend on
 * the other files).
 */
export function validateRepository(files: ReadonlyMap<string, string>, schemas: SchemaSet, kinds: readonly Kind[], parsed: ReadonlyMap<string, Json> = new Map(), clean: ReadonlySet<string> = new Set()): ValidationReport {
  const steps = validationSteps(files, schemas, kinds, parsed, clean);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** How long validation holds the thread at most before letting other work run (milliseconds). */
const SLICE_MS = 15;

/**
 * validateRepository, handing the thread back every few milliseconds: what runs beside it (a
 * plan's reads of the destination, whose answers arrive meanwhile) goes on while it works. With
 * `ahead`, the files not in `parsed` are parsed by another thread, in the order they are validated.
 */
export async function validateRepositoryInSlices(
  files: ReadonlyMap<string, string>,
  schemas: SchemaSet,
  kinds: readonly Kind[],
  parsed: ReadonlyMap<string, Json> = new Map(),
  clean: ReadonlySet<string> = new Set(),
  ahead?: YamlAhead,
): Promise<ValidationReport> {
  const steps = validationSteps(files, schemas, kinds, parsed, clean, ahead);
  let sliceStarted = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    // The next file's value, when the other thread is still parsing it.
    const waiting = step.value === undefined ? undefined : ahead?.ready(step.value);
    if (waiting) {
      await waiting;
      sliceStarted = performance.now();
      continue;
    }
    if (performance.now() - sliceStarted < SLICE_MS) continue;
    await new Promise((resolve) => setImmediate(resolve));
    sliceStarted = performance.now();
  }
}

/**
 * The work of validateRepository, pausing (yielding) before each file (yielding its path when it
 * will parse it) and each document's references.
 */
function* validationSteps(
  files: ReadonlyMap<string, string>,
  schemas: SchemaSet,
  kinds: readonly Kind[],
  parsed: ReadonlyMap<string, Json>,
  clean: ReadonlySet<string>,
  ahead?: YamlAhead,
): Generator<string | undefined, ValidationReport> {
  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  const documents: ParsedDocument[] = [];
  const values = new Map<string, Json>();
  const cleanNow = new Set<string>();
  const kindNames = kinds.map((kind) => kind.name);
  // The fields a kind's documents may hold, worked out once per kind (not once per file).
  const knownByKind = new Map<string, ReadonlySet<string> | undefined>();
  const knownOf = (kind: KindName, schema: string) => {
    if (!knownByKind.has(kind)) knownByKind.set(kind, knownFields(kind, schemas.properties(schema)));
    return knownByKind.get(kind);
  };

  const ordered = [...files].sort(([a], [b]) => a.localeCompare(b));
  // What the other thread parses: the files checked below that have no value yet, in this order.
  const byAhead = ahead ? ordered.filter(([file, text]) => !parsed.has(file) && schemaFor(file, kindNames) && Buffer.byteLength(text) <= MAX_FILE_BYTES) : [];
  ahead?.parse(byAhead);
  const parsedAhead = new Set(byAhead.map(([file]) => file));
  for (const [file, text] of ordered) {
    yield parsedAhead.has(file) ? file : undefined;
    const schema = schemaFor(file, kindNames);
    if (schema === undefined) continue;
    if (schema === null) {
      errors.push({ file, line: 1, pointer: '', message: 'not a file octosync knows: documents live at spaces/<space>/<kind>/<name>.yaml' });
      continue;
    }
    const bytes = Buffer.byteLength(text);
    if (bytes > MAX_FILE_BYTES) {
      errors.push({ file, line: 1, pointer: '', message: `the file is ${(bytes / 1024 / 1024).toFixed(1)} MiB, larger than the ${MAX_FILE_BYTES / 1024 / 1024} MiB octosync reads` });
      continue;
    }
    let yaml: ParsedYaml;
    try {
      yaml = parsedOrParse(file, text, parsed.get(file) ?? ahead?.take(file));
    } catch (error) {
      if (!(error instanceof YamlSyntaxError)) throw error;
      errors.push({ file, line: error.problem.line, pointer: '', message: `invalid YAML: ${error.problem.message}` });
      continue;
    }
    values.set(file, yaml.value);
    const seenClean = clean.has(file) && parsed.has(file);
    const schemaIssues = seenClean ? [] : schemas.validate(schema.name, yaml.value);
    errors.push(...schemaIssues.map((issue) => ({ file, line: yaml.lineOf(issue.pointer), pointer: issue.pointer, message: issue.message })));
    const known = schema.kind && !seenClean ? knownOf(schema.kind, schema.name) : undefined;
    const unknown = known ? unknownFields(yaml.value, known) : [];
    if (schemaIssues.length === 0 && unknown.length === 0) cleanNow.add(file);
    if (schema.kind) {
      for (const field of unknown) {
        const pointer = `/${escapeName(field.key)}`;
        (field.suggestion ? errors : warnings).push({ file, line: yaml.lineOf(pointer), pointer, message: describeUnknown(field, `a ${schema.kind.replace(/s$/, '')}`) });
      }
      // A document with schema errors still defines its name, so references to it are not
      // reported as missing on top of its own errors; only valid documents are checked further.
      const name = documentName(schema.kind, yaml.value);
      if (name === undefined) continue;
      documents.push({ file, space: schema.space ?? '', parsed: yaml, valid: schemaIssues.length === 0, doc: { kind: schema.kind, name, file, body: yaml.value as JsonObject } });
    }
  }

  errors.push(...duplicateNames(documents));
  errors.push(...sharedDestinationSpaces(files));
  const { errors: referenceErrors, external } = yield* checkReferences(documents, kinds);
  errors.push(...referenceErrors);
  return { errors, warnings, values, clean: cleanNow, external, documents: documents.length };
}

/**
 * A file's value (as given, else loaded as plain data); its syntax tree, which knows lines, is
 * built only when an issue asks for a line, and not kept alive for files without issues. A value
 * given is not a slice of the text (parsed before, or copied from another thread).
 */
function parsedOrParse(file: string, text: string, value: Json | undefined): ParsedYaml {
  let lines: ParsedYaml | undefined;
  return { value: value ?? ownStrings(loadYaml(text, file)), lineOf: (pointer) => (lines ??= parseYaml(text, file)).lineOf(pointer) };
}

interface SchemaChoice {
  name: string;
  kind?: KindName;
  space?: string;
}

/** Which schema a file is checked against; undefined for files that are not octosync's, null for misplaced ones. */
function schemaFor(file: string, kinds: readonly KindName[]): SchemaChoice | null | undefined {
  if (file === CONFIG_FILE) return { name: 'octosync' };
  if (file.startsWith(`${DESTINATIONS_DIR}/`) && file.endsWith('.yaml')) return { name: 'destination' };
  if (!file.startsWith(`${SPACES_DIR}/`)) return undefined;
  if (!file.endsWith('.yaml') && !file.endsWith('.yml')) return undefined;
  if (isGitHeldFile(file)) return undefined;
  const located = locateDocument(file, kinds);
  return located ? { name: located.kind, kind: located.kind, space: located.space } : null;
}

function duplicateNames(documents: ParsedDocument[]): Issue[] {
  const seen = new Map<string, ParsedDocument>();
  const issues: Issue[] = [];
  for (const entry of documents) {
    const key = `${entry.space}\u0000${entry.doc.kind}\u0000${entry.doc.name.toLowerCase()}`;
    const first = seen.get(key);
    if (first) {
      issues.push({
        file: entry.file,
        line: entry.parsed.lineOf('/Name'),
        pointer: '/Name',
        message: `duplicate name: '${entry.doc.name}' is also the name of ${first.file} (names are unique per kind and space, ignoring case)`,
      });
    } else {
      seen.set(key, entry);
    }
  }
  return issues;
}

/**
 * Two destinations that write the same space of the same server would overwrite each other (and
 * prune what the other applied) without either saying so.
 */
function sharedDestinationSpaces(files: ReadonlyMap<string, string>): Issue[] {
  const sourceSpaces = spacesOf(files.get(CONFIG_FILE));
  const writers = new Map<string, string>();
  const issues: Issue[] = [];
  for (const [file, text] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    if (!file.startsWith(`${DESTINATIONS_DIR}/`) || !file.endsWith('.yaml')) continue;
    let value: Json;
    try {
      value = parseYaml(text, file).value;
    } catch {
      continue; // reported with the file's own checks
    }
    if (!isObject(value) || typeof value.server !== 'string') continue;
    const server = serverIdentity(value.server);
    const mapping = isObject(value.spaces) ? value.spaces : {};
    for (const source of sourceSpaces) {
      const target = typeof mapping[source] === 'string' ? mapping[source] : source;
      const key = `${server}\u0000${target.toLowerCase()}`;
      const other = writers.get(key);
      if (other !== undefined && other !== file) {
        issues.push({ file, line: 1, pointer: '/server', message: `writes space '${target}' of ${server}, as ${other} does: two destinations would overwrite each other there (give them different servers or spaces)` });
      } else {
        writers.set(key, file);
      }
    }
  }
  return issues;
}

/** A server URL as it identifies a server: scheme and host in lower case, no trailing slash or `/api`. */
function serverIdentity(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname.replace(/\/+$/, '').replace(/\/api$/i, '')}`.toLowerCase();
  } catch {
    return url.toLowerCase();
  }
}

/** The spaces octosync.yaml snapshots (the default space when it names none). */
function spacesOf(config: string | undefined): string[] {
  if (config === undefined) return [];
  try {
    const value = parseYaml(config, CONFIG_FILE).value;
    const spaces = isObject(value) && Array.isArray(value.spaces) ? value.spaces.filter((space): space is string => typeof space === 'string') : [];
    return spaces.length > 0 ? spaces : ['Default'];
  } catch {
    return [];
  }
}

function* checkReferences(documents: ParsedDocument[], kinds: readonly Kind[]): Generator<undefined, { errors: Issue[]; external: ValidationReport['external'] }> {
  const knownBySpace = new Map<string, KnownNames>();
  const documentsBySpace = new Map<string, Map<string, KindDocument>>();
  for (const entry of documents) {
    const known = knownBySpace.get(entry.space) ?? new KnownNames().addBuiltIns(BUILT_IN_NAMES);
    known.addDocuments([entry.doc]);
    knownBySpace.set(entry.space, known);
    const byName = documentsBySpace.get(entry.space) ?? new Map<string, KindDocument>();
    byName.set(`${entry.doc.kind}\u0000${entry.doc.name.toLowerCase()}`, entry.doc);
    documentsBySpace.set(entry.space, byName);
  }
  const errors: Issue[] = [];
  const external = new Map<string, { kind: ExternalKind; name: string; files: Set<string> }>();
  for (const entry of documents.filter((d) => d.valid)) {
    yield;
    const kind = kinds.find((k) => k.name === entry.doc.kind);
    const context: ReferenceContext = { document: (kindName, name) => documentsBySpace.get(entry.space)?.get(`${kindName}\u0000${name.toLowerCase()}`) };
    for (const ref of referencesOf(kind, entry.doc, context)) {
      if (EXTERNAL_KINDS.has(ref.kind)) {
        const key = `${ref.kind}\u0000${ref.name.toLowerCase()}`;
        const item = external.get(key) ?? { kind: ref.kind as ExternalKind, name: ref.name, files: new Set<string>() };
        item.files.add(entry.file);
        external.set(key, item);
        continue;
      }
      if (!knownBySpace.get(entry.space)?.has(ref)) {
        errors.push({ file: entry.file, line: entry.parsed.lineOf(ref.pointer), pointer: ref.pointer, message: describeMissing(ref, 'in the repository') });
      }
    }
  }
  return {
    errors,
    external: [...external.values()]
      .map((item) => ({ kind: item.kind, name: item.name, files: [...item.files].sort() }))
      .sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name)),
  };
}
