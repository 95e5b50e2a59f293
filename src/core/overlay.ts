// A destination's overlay: what must differ there. Applied to the repository's documents to
// give the desired state. Pure; every override must hit something that exists, or it is a
// problem (a typo in an overlay must not silently leave the source's value in production).
import { canonicalize } from './canonical.js';
import type { Json, JsonObject, KindDocument, KindName } from './document.js';
import { isObject, objectsOf } from './document.js';
import type { PlanProblem } from './plan.js';
import { documentKey } from './plan.js';
import type { SecretSource } from './secrets.js';
import { scopeText, secretSlots } from './secrets.js';

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
}

export interface OverlayResult {
  documents: KindDocument[];
  /** Document key → secret path → source. */
  secretSources: Map<string, Map<string, SecretSource>>;
  problems: PlanProblem[];
}

export function applyOverlay(space: string, documents: readonly KindDocument[], overlay: OverlaySpec = {}): OverlayResult {
  const docs = new Map(documents.map((doc) => [`${doc.kind}/${doc.name}`.toLowerCase(), { ...doc, body: structuredClone(doc.body) }]));
  const secretSources = new Map<string, Map<string, SecretSource>>();
  const problems: PlanProblem[] = [];
  const problem = (where: string, message: string) => problems.push({ space, where: `overlay ${where}`, message });
  const find = (kind: KindName, name: string) => docs.get(`${kind}/${name}`.toLowerCase());
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
      else Object.assign(phase, fields);
    }
  }

  overlayTenants(overlay.tenants, docs, find, problem);

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
    else Object.assign(settings, canonicalize({ Url: override.url ?? null, BasePath: override.basePath ?? null, DefaultBranch: override.defaultBranch ?? null }));
  }

  for (const [target, patch] of Object.entries(overlay.patches ?? {})) {
    const doc = findTarget(target, find);
    if (!doc) problem(`patches.${target}`, `names '${target}', which is not in the repository (use <kind>/<name>)`);
    else doc.body = mergePatch(doc.body, patch) as JsonObject;
  }

  const result = [...docs.values()].map((doc) => ({ ...doc, body: canonicalize(doc.body) }));
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
