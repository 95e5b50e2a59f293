// Validates a state repository's files (pure: contents in, issues out): YAML syntax, JSON
// Schemas, duplicate names, and references between documents. Issues are values naming the
// file, the line and the JSON pointer; the command decides what to do with them.
import type { Json, JsonObject, KindDocument, KindName } from '../core/document.js';
import { CONFIG_FILE, DESTINATIONS_DIR, SPACES_DIR, documentName, locateDocument } from '../repo/layout.js';
import { YamlSyntaxError, parseYaml } from '../repo/yaml.js';
import type { ParsedYaml } from '../repo/yaml.js';
import type { DocumentReference, ExternalKind, Kind } from '../kinds/types.js';
import type { SchemaSet } from './schemas.js';

export interface Issue {
  file: string;
  line: number;
  pointer: string;
  message: string;
}

export interface ValidationReport {
  errors: Issue[];
  /** Names of never-synced kinds the repository refers to: they must exist in each destination. */
  external: { kind: ExternalKind; name: string; files: string[] }[];
  documents: number;
}

interface ParsedDocument {
  file: string;
  space: string;
  parsed: ParsedYaml;
  doc: KindDocument;
}

const EXTERNAL_KINDS = new Set<string>(['accounts', 'users', 'user-roles', 'deployment-targets', 'workers']);

export function validateRepository(files: ReadonlyMap<string, string>, schemas: SchemaSet, kinds: readonly Kind[]): ValidationReport {
  const errors: Issue[] = [];
  const documents: ParsedDocument[] = [];
  const kindNames = kinds.map((kind) => kind.name);

  for (const [file, text] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    const schema = schemaFor(file, kindNames);
    if (schema === undefined) continue;
    if (schema === null) {
      errors.push({ file, line: 1, pointer: '', message: 'not a file octosync knows: documents live at spaces/<space>/<kind>/<name>.yaml' });
      continue;
    }
    let parsed: ParsedYaml;
    try {
      parsed = parseYaml(text, file);
    } catch (error) {
      if (!(error instanceof YamlSyntaxError)) throw error;
      errors.push({ file, line: error.problem.line, pointer: '', message: `invalid YAML: ${error.problem.message}` });
      continue;
    }
    const schemaIssues = schemas.validate(schema.name, parsed.value);
    errors.push(...schemaIssues.map((issue) => ({ file, line: parsed.lineOf(issue.pointer), pointer: issue.pointer, message: issue.message })));
    if (schema.kind && schemaIssues.length === 0) {
      const name = documentName(schema.kind, parsed.value);
      if (name === undefined) continue;
      documents.push({ file, space: schema.space ?? '', parsed, doc: { kind: schema.kind, name, file, body: parsed.value as JsonObject } });
    }
  }

  errors.push(...duplicateNames(documents));
  const { errors: referenceErrors, external } = checkReferences(documents, kinds);
  errors.push(...referenceErrors);
  return { errors, external, documents: documents.length };
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

function checkReferences(documents: ParsedDocument[], kinds: readonly Kind[]): { errors: Issue[]; external: ValidationReport['external'] } {
  const known = knownNames(documents);
  const errors: Issue[] = [];
  const external = new Map<string, { kind: ExternalKind; name: string; files: Set<string> }>();
  for (const entry of documents) {
    const kind = kinds.find((k) => k.name === entry.doc.kind);
    for (const ref of kind?.references?.(entry.doc) ?? []) {
      if (EXTERNAL_KINDS.has(ref.kind)) {
        const key = `${ref.kind}\u0000${ref.name.toLowerCase()}`;
        const item = external.get(key) ?? { kind: ref.kind as ExternalKind, name: ref.name, files: new Set<string>() };
        item.files.add(entry.file);
        external.set(key, item);
        continue;
      }
      if (!known.has(referenceKey(entry.space, ref))) {
        errors.push({ file: entry.file, line: entry.parsed.lineOf(ref.pointer), pointer: ref.pointer, message: describeMissing(ref) });
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

/** Every name the repository defines, per space: documents, channels and tags inside them. */
function knownNames(documents: ParsedDocument[]): Set<string> {
  const known = new Set<string>();
  const add = (space: string, kind: string, name: string, project?: string) => known.add(referenceKey(space, { kind, name, project }));
  for (const { space, doc } of documents) {
    if (doc.kind === 'channels') {
      for (const channel of objects(doc.body.Channels)) add(space, 'channels', String(channel.Name), doc.name);
    } else if (doc.kind === 'runbooks') {
      add(space, 'runbooks', String(doc.body.Name), String(doc.body.Project));
    } else if (doc.kind === 'tag-sets') {
      add(space, 'tag-sets', doc.name);
      for (const tag of objects(doc.body.Tags)) add(space, 'tag-sets', `${doc.name}/${String(tag.Name)}`);
    } else if (doc.kind === 'script-modules') {
      // Script modules are library variable sets to the API; projects include both by name.
      add(space, 'script-modules', doc.name);
      add(space, 'library-variable-sets', doc.name);
    } else {
      add(space, doc.kind, doc.name);
    }
  }
  return known;
}

function referenceKey(space: string, ref: Pick<DocumentReference, 'name' | 'project'> & { kind: string }): string {
  return [space, ref.kind, (ref.project ?? '').toLowerCase(), ref.name.toLowerCase()].join('\u0000');
}

function describeMissing(ref: DocumentReference): string {
  const what = ref.kind.replace(/-/g, ' ').replace(/s$/, '');
  if (ref.kind === 'tag-sets' && ref.name.includes('/')) return `refers to the tenant tag '${ref.name}', which no tag set in this space defines`;
  if (ref.project) return `refers to the ${what} '${ref.name}' of project '${ref.project}', which does not exist in the repository`;
  return `refers to the ${what} '${ref.name}', which does not exist in the repository`;
}

function objects(value: Json | undefined): JsonObject[] {
  return Array.isArray(value) ? (value.filter((item) => item !== null && typeof item === 'object' && !Array.isArray(item)) as JsonObject[]) : [];
}
