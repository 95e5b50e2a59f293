// A destination's overlay: what must differ there. Applied to the repository's documents to
// give the desired state. Pure; every override must hit something that exists, or it is a
// problem (a typo in an overlay must not silently leave the source's value in production).
import { canonicalize, isCanonical } from './canonical.js';
import type { Json, JsonObject, KindDocument, KindName } from './document.js';
import { isObject, objectsOf } from './document.js';
import type { PlanProblem } from './plan.js';
import { documentKey } from './plan.js';
import type { SecretSource } from './secrets.js';
import { scopeText, secretSlots } from './secrets.js';
import { escapeName } from './names.js';
import { suggest } from './suggest.js';

export type OverlayValue = string | number | boolean | { valueFrom: SecretSource };

export interface VariableOverride {
  name: string;
  scope?: Record<string, string[]>;
  value?: OverlayValue;
}

export interface OverlaySpec {
  variables?: { projects?: Record<string, VariableOverride[]>; libraryVariableSets?: Record<string, VariableOverride[]> };
  lifecycles?: Record<string, { phases?: JsonObject[]; editPhases?: Record<string, JsonObject> }>;
  tenants?: { only?: string[]; connections?: Record<string, Record<string, string[]>>; variables?: Record<string, JsonObject> };
  secrets?: Record<string, Record<string, OverlayValue>>;
  versionControl?: Record<string, VersionControlOverride>;
  patches?: Record<string, JsonObject>;
}

/**
 * Where a version-controlled project's configuration lives in this destination (by default
 * where the source's does), and whether a database project of the same name here may be
 * converted (one-way).
 */
export interface VersionControlOverride {
  url?: string;
  basePath?: string;
  defaultBranch?: string;
  convert?: boolean;
  /** Whether this destination's project may have its runbooks moved to Git (one-way). */
  runbooksInGit?: boolean;
}

/** What the overlay may set that a document does not hold yet: a kind's known fields, a lifecycle phase's. */
export interface OverlayFields {
  kind(kind: KindName): ReadonlySet<string> | undefined;
  phase: ReadonlySet<string>;
}

export interface OverlayResult {
  documents: KindDocument[];
  /** Document key → secret path → source. */
  secretSources: Map<string, Map<string, SecretSource>>;
  problems: PlanProblem[];
}

/**
 * The documents with the overlay applied. Every problem names where in the destination file it is
 * (`pointer`, from `/overlays`), so the plan can give its line.
 */
export function applyOverlay(space: string, documents: readonly KindDocument[], overlay: OverlaySpec = {}, known?: OverlayFields): OverlayResult {
  const docs = new Map(documents.map((doc) => [`${doc.kind}/${doc.name}`.toLowerCase(), doc]));
  // Only the documents an override names are copied (and then changed); the others are given back
  // as they came, so a destination with a small overlay does not hold two copies of everything.
  const copies = new Set<KindDocument>();
  const secretSources = new Map<string, Map<string, SecretSource>>();
  const problems: PlanProblem[] = [];
  // `path`: the keys leading to it under `overlays` (names may hold dots); else `where` split at dots.
  const problem = (where: string, message: string, path: string[] = where.split('.')) => problems.push({ space, where: `overlay ${where}`, message, pointer: pointerOf(path) });
  const find = (kind: KindName, name: string) => {
    const key = `${kind}/${name}`.toLowerCase();
    const doc = docs.get(key);
    if (!doc || copies.has(doc)) return doc;
    const copy = { ...doc, body: structuredClone(doc.body) };
    docs.set(key, copy);
    copies.add(copy);
    return copy;
  };
  const addSecret = (doc: KindDocument, path: string, source: SecretSource) => {
    const key = documentKey(space, doc.kind, doc.name);
    const map = secretSources.get(key) ?? new Map<string, SecretSource>();
    map.set(path, source);
    secretSources.set(key, map);
  };

  const variableOverrides: [KindName, string, Record<string, VariableOverride[]> | undefined][] = [
    ['project-variables', 'variables.projects', overlay.variables?.projects],
    ['library-variable-sets', 'variables.libraryVariableSets', overlay.variables?.libraryVariableSets],
  ];
  for (const [kind, section, owners] of variableOverrides) {
    for (const [owner, overrides] of Object.entries(owners ?? {})) {
      const doc = find(kind, owner);
      if (!doc) {
        problem(`${section}.${owner}`, `names '${owner}', which is not in the repository`);
        continue;
      }
      for (const override of overrides) overrideVariable(doc, override, `${section}.${owner}`, problem, addSecret);
    }
  }

  for (const [name, edit] of Object.entries(overlay.lifecycles ?? {})) {
    const doc = find('lifecycles', name);
    if (!doc) {
      problem(`lifecycles.${name}`, `names the lifecycle '${name}', which is not in the repository`);
      continue;
    }
    if (edit.phases) doc.body.Phases = edit.phases;
    for (const [phaseName, fields] of Object.entries(edit.editPhases ?? {})) {
      const phase = objectsOf(doc.body.Phases).find((p) => String(p.Name).toLowerCase() === phaseName.toLowerCase());
      if (!phase) problem(`lifecycles.${name}.editPhases.${phaseName}`, `the lifecycle '${name}' has no phase '${phaseName}'`);
      else {
        // A field neither the phase holds nor a phase can hold would be ignored by the server.
        const phaseFields = known?.phase ?? new Set<string>();
        for (const field of Object.keys(fields)) {
          if (field in phase || phaseFields.has(field)) continue;
          problem(`lifecycles.${name}.editPhases.${phaseName}.${field}`, `a phase has no field '${field}'${didYouMean(field, [...Object.keys(phase), ...phaseFields])}`, ['lifecycles', name, 'editPhases', phaseName, field]);
        }
        Object.assign(phase, fields);
      }
    }
  }

  overlayTenants(overlay.tenants, docs, find, problem);
  for (const [name, variables] of Object.entries(overlay.tenants?.variables ?? {})) {
    const tenant = find('tenants', name);
    if (tenant) checkTenantVariables(tenant, variables, find, (path, message) => problem(`tenants.variables.${name}.${path.join('.')}`, message, ['tenants', 'variables', name, ...path]));
  }

  for (const [target, fields] of Object.entries(overlay.secrets ?? {})) {
    const doc = findTarget(target, find);
    if (!doc) {
      problem(`secrets.${target}`, `names '${target}', which is not in the repository (use <kind>/<name>)`);
      continue;
    }
    const slots = new Set(secretSlots(doc.body).map((slot) => slot.path));
    for (const [path, value] of Object.entries(fields)) {
      if (!slots.has(path)) problem(`secrets.${target}.${path}`, `'${target}' has no secret at '${path}' (it has: ${[...slots].join(', ') || 'none'})`);
      else if (!isValueFrom(value)) problem(`secrets.${target}.${path}`, 'a secret must come from valueFrom (env or file), never a value written in Git');
      else addSecret(doc, path, value.valueFrom);
    }
  }

  for (const [name, override] of Object.entries(overlay.versionControl ?? {})) {
    const doc = find('projects', name);
    const settings = doc && isObject(doc.body.PersistenceSettings) && doc.body.PersistenceSettings.Type === 'VersionControlled' ? doc.body.PersistenceSettings : undefined;
    if (!doc) problem(`versionControl.${name}`, `names the project '${name}', which is not in the repository`);
    else if (!settings) problem(`versionControl.${name}`, `the project '${name}' is not version-controlled in the repository`);
    else if (override.runbooksInGit === true && !(isObject(settings.ConversionState) && settings.ConversionState.RunbooksAreInGit === true)) {
      problem(`versionControl.${name}.runbooksInGit`, `the project '${name}' keeps its runbooks in the database in the repository: there is nothing to move to Git`);
    }
    if (doc && settings) Object.assign(settings, canonicalize({ Url: override.url ?? null, BasePath: override.basePath ?? null, DefaultBranch: override.defaultBranch ?? null }));
  }

  for (const [target, patch] of Object.entries(overlay.patches ?? {})) {
    const doc = findTarget(target, find);
    if (!doc) problem(`patches.${target}`, `names '${target}', which is not in the repository (use <kind>/<name>)`);
    else {
      for (const miss of patchMisses(doc.body, patch, known?.kind(doc.kind))) {
        problem(`patches.${target}.${miss.path.join('.')}`, `the patch field '${miss.path.join('.')}' hits nothing in '${target}'${didYouMean(miss.path.at(-1) as string, miss.candidates)}`, ['patches', target, ...miss.path]);
      }
      doc.body = mergePatch(doc.body, patch) as JsonObject;
    }
  }

  const result = [...docs.values()].map((doc) => (copies.has(doc) || !isCanonical(doc.body) ? { ...doc, body: canonicalize(doc.body) } : doc));
  return { documents: result, secretSources, problems };
}

function overrideVariable(
  doc: KindDocument,
  override: VariableOverride,
  where: string,
  problem: (where: string, message: string) => void,
  addSecret: (doc: KindDocument, path: string, source: SecretSource) => void,
): void {
  const wanted = scopeText(override.scope as Json | undefined);
  const label = `'${override.name}'${wanted ? ` ${wanted}` : ' (unscoped)'}`;
  const variable = objectsOf(doc.body.Variables).find((v) => String(v.Name) === override.name && scopeText(v.Scope) === wanted);
  if (!variable) {
    problem(`${where}[${override.name}]`, `'${doc.name}' has no variable ${label} in the repository`);
    return;
  }
  if (override.value === undefined) return;
  const sensitive = variable.IsSensitive === true || variable.Type === 'Sensitive';
  if (isValueFrom(override.value)) {
    if (!sensitive) problem(`${where}[${override.name}]`, `the variable ${label} is not sensitive: give its value directly`);
    else addSecret(doc, `Variables[${override.name}${wanted}]`, override.value.valueFrom);
  } else if (sensitive) {
    problem(`${where}[${override.name}]`, `the variable ${label} is sensitive: its value must come from valueFrom (env or file), never from Git`);
  } else {
    variable.Value = String(override.value);
  }
}

function overlayTenants(
  tenants: OverlaySpec['tenants'],
  docs: Map<string, KindDocument>,
  find: (kind: KindName, name: string) => KindDocument | undefined,
  problem: (where: string, message: string) => void,
): void {
  if (!tenants) return;
  if (tenants.only) {
    const wanted = new Set(tenants.only.map((name) => name.toLowerCase()));
    for (const name of tenants.only) if (!find('tenants', name)) problem(`tenants.only`, `names the tenant '${name}', which is not in the repository`);
    for (const [key, doc] of docs) if (doc.kind === 'tenants' && !wanted.has(doc.name.toLowerCase())) docs.delete(key);
  }
  for (const [name, connections] of Object.entries(tenants.connections ?? {})) {
    const doc = find('tenants', name);
    if (!doc) problem(`tenants.connections.${name}`, `names the tenant '${name}', which is not in this destination's desired state`);
    else {
      doc.body.ProjectEnvironments = connections;
      // Values for a project or environment the tenant is no longer connected to go with the
      // connection: a project's values go with the project, a value's environments are narrowed to
      // the connected ones (a value left with none goes), an unscoped value stays.
      const variables = doc.body.Variables;
      const projects = isObject(variables) ? variables.Projects : undefined;
      if (isObject(variables) && isObject(projects)) {
        const kept = Object.entries(projects).flatMap(([project, byTemplate]) => {
          const environments = connections[project];
          if (!environments || !isObject(byTemplate)) return [];
          const connected = (environment: Json) => environments.some((e) => e.toLowerCase() === String(environment).toLowerCase());
          const templates = Object.entries(byTemplate).flatMap(([template, value]): [string, Json][] => {
            if (!Array.isArray(value)) return [[template, value]];
            const narrowed = value.filter(isObject).flatMap((entry) => {
              if (!Array.isArray(entry.Environments) || entry.Environments.length === 0) return [entry];
              const left = entry.Environments.filter(connected);
              return left.length > 0 ? [{ ...entry, Environments: left }] : [];
            });
            return narrowed.length > 0 ? [[template, narrowed]] : [];
          });
          return templates.length > 0 ? [[project, Object.fromEntries(templates)] as const] : [];
        });
        doc.body.Variables = { ...variables, Projects: Object.fromEntries(kept) };
      }
    }
  }
  for (const [name, variables] of Object.entries(tenants.variables ?? {})) {
    const doc = find('tenants', name);
    if (!doc) problem(`tenants.variables.${name}`, `names the tenant '${name}', which is not in this destination's desired state`);
    else doc.body.Variables = mergePatch(doc.body.Variables ?? {}, variables);
  }
}


/**
 * Keys of a merge patch that hit nothing: a key the document does not hold at that level, unless
 * it is a field its kind knows (top level) and the patch adds it. With what it may have meant.
 */
function patchMisses(body: JsonObject, patch: JsonObject, knownFields: ReadonlySet<string> | undefined, path: string[] = []): { path: string[]; candidates: string[] }[] {
  const misses: { path: string[]; candidates: string[] }[] = [];
  for (const [key, value] of Object.entries(patch)) {
    const held = body[key];
    if (held === undefined) {
      if (path.length === 0 && knownFields?.has(key) && value !== null) continue;
      misses.push({ path: [...path, key], candidates: [...Object.keys(body), ...(path.length === 0 ? (knownFields ?? []) : [])] });
    } else if (isObject(held) && isObject(value)) {
      misses.push(...patchMisses(held, value, undefined, [...path, key]));
    }
  }
  return misses;
}

/**
 * A tenant's overlay values name projects the tenant is connected to and their templates, or
 * library variable sets and theirs: a name that is none of these would fail midway through an
 * apply, or be silently dropped.
 */
function checkTenantVariables(tenant: KindDocument, variables: JsonObject, find: (kind: KindName, name: string) => KindDocument | undefined, problem: (path: string[], message: string) => void): void {
  const sections: [string, KindName, (owner: string) => boolean][] = [
    ['Projects', 'projects', (owner) => isObject(tenant.body.ProjectEnvironments) && Object.keys(tenant.body.ProjectEnvironments).some((p) => p.toLowerCase() === owner.toLowerCase())],
    ['LibraryVariableSets', 'library-variable-sets', () => true],
  ];
  for (const [section, owners] of Object.entries(variables)) {
    const known = sections.find(([name]) => name === section);
    if (!known) {
      problem([section], `tenant variables are under Projects or LibraryVariableSets, not '${section}'${didYouMean(section, sections.map(([name]) => name))}`);
      continue;
    }
    const [, kind, connected] = known;
    for (const [owner, templates] of Object.entries(isObject(owners) ? owners : {})) {
      const doc = find(kind, owner);
      if (!doc || !connected(owner)) {
        problem([section, owner], `'${tenant.name}' ${kind === 'projects' ? 'is not connected to a project' : 'has no library variable set'} '${owner}' in the repository`);
        continue;
      }
      const names = objectsOf(doc.body.Templates).map((template) => String(template.Name));
      for (const template of Object.keys(isObject(templates) ? templates : {})) {
        if (!names.includes(template)) problem([section, owner, template], `'${owner}' has no template '${template}'${didYouMean(template, names)}`);
      }
    }
  }
}

function didYouMean(name: string, candidates: Iterable<string>): string {
  const suggestion = suggest(name, candidates);
  return suggestion ? ` (did you mean ${suggestion}?)` : '';
}

/** The JSON pointer in the destination file of the keys leading to something under `overlays`. */
function pointerOf(path: readonly string[]): string {
  return ['overlays', ...path].map((segment) => `/${escapeName(segment)}`).join('');
}

function findTarget(target: string, find: (kind: KindName, name: string) => KindDocument | undefined): KindDocument | undefined {
  const slash = target.indexOf('/');
  return slash === -1 ? undefined : find(target.slice(0, slash) as KindName, target.slice(slash + 1));
}

/** RFC 7396 JSON merge patch: objects merge, `null` removes, anything else replaces. */
export function mergePatch(target: Json, patch: Json): Json {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const result: JsonObject = target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key] ?? null, value);
  }
  return result;
}

export function isValueFrom(value: unknown): value is { valueFrom: SecretSource } {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && 'valueFrom' in value;
}
