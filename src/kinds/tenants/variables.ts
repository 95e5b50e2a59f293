// The values a tenant gives to variable templates, as a tenant document holds them and as the
// two tenant variable APIs take them.
//
// Document (`Variables` of `tenants/<slug>.yaml`), template by name:
//
//   Projects:                       # project → template → values
//     Customer Portal:
//       Portal.Subdomain: acme      # one value for every environment (unscoped)
//       Portal.Region:              # values scoped to environments (and at most one unscoped)
//         - { Value: eu, Environments: [Production, Staging] }
//         - { Value: us, Environments: [Test] }
//   LibraryVariableSets:            # library variable set → template → values ("common variables")
//     Common Settings:
//       Customer.ContactEmail: it@acme.example
//
// A secret is `{HasValue: true}` (never its value; a destination overlay supplies it). Entries
// are canonical: equal plain values are one entry with their environments together, the unscoped
// entry first, then by environments; a single unscoped entry is written as the bare value.
//
// APIs: a 2025.2+ server with `CommonVariableScopingFeatureToggle` on serves
// `/tenants/{id}/commonvariables` and `/projectvariables`, which hold all of the above. The legacy
// `TenantVariableResource` holds project values per environment and common values unscoped only:
// a document with an unscoped project value or a scoped common value cannot be written to such a
// server (`valuesOnlyScopedApiHolds`).
import { compareNames, jsonEqual } from '../../core/canonical.js';
import type { Json, JsonObject, LiveSpace } from '../../core/document.js';
import type { IdResolver, NameResolver } from '../../core/refs.js';
import { asArray, isObject } from '../fields.js';
import { isSecretValue, propertyValue, sameName, templateById, templateByName } from '../projects/templates.js';
import { controlTypeOf, controlValueToDocument, controlValueToPayload } from '../shared/control-type-values.js';

/** One value of a template: for the environments listed, or for all when there are none. */
export interface ValueEntry {
  Value: Json;
  Environments?: string[];
}

type Owners = 'Projects' | 'LibraryVariableSets';

/** Owner name → template name → entries (the document's `Variables`, spelled out). */
export type TenantValues = Record<Owners, Map<string, Map<string, ValueEntry[]>>>;

// ---------------------------------------------------------------------------------------------
// Documents.

/** The entries of a document value: a bare value is one unscoped entry. */
export function entriesOf(value: Json | undefined): ValueEntry[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return [{ Value: value }];
  return value.filter(isObject).map((entry) => {
    const environments = asArray(entry.Environments).map(String);
    return environments.length > 0 ? { Value: entry.Value ?? null, Environments: environments } : { Value: entry.Value ?? null };
  });
}

/** Entries as a document writes them (see the header). */
export function documentValue(entries: readonly ValueEntry[]): Json {
  const merged: ValueEntry[] = [];
  for (const entry of entries) {
    if (entry.Value === null || entry.Value === undefined) continue;
    const environments = entry.Environments ?? [];
    // Plain values that are equal are one value for their environments together; secrets cannot be compared.
    const same = environments.length > 0 && !isSecretValue(entry.Value) ? merged.find((m) => (m.Environments ?? []).length > 0 && jsonEqual(m.Value, entry.Value)) : undefined;
    if (same) same.Environments = [...new Set([...(same.Environments ?? []), ...environments])];
    else merged.push(environments.length > 0 ? { Value: entry.Value, Environments: [...environments] } : { Value: entry.Value });
  }
  for (const entry of merged) if (entry.Environments) entry.Environments.sort(compareNames);
  merged.sort((a, b) => compareNames((a.Environments ?? []).join(','), (b.Environments ?? []).join(',')));
  if (merged.length === 1 && !merged[0]?.Environments) return merged[0]?.Value ?? null;
  return merged.map((entry) => (entry.Environments ? { Value: entry.Value, Environments: entry.Environments } : { Value: entry.Value })) as JsonObject[];
}

/** The document's `Variables`, spelled out. */
export function tenantValuesOf(variables: Json | undefined): TenantValues {
  const read = (owners: Json | undefined) =>
    new Map(Object.entries(isObject(owners) ? owners : {}).map(([owner, templates]) => [owner, new Map(Object.entries(isObject(templates) ? templates : {}).map(([template, value]) => [template, entriesOf(value)]))]));
  const body = isObject(variables) ? variables : {};
  return { Projects: read(body.Projects), LibraryVariableSets: read(body.LibraryVariableSets) };
}

/** The document's `Variables` from spelled-out values (empty owners and templates left out). */
export function variablesDocument(values: TenantValues): JsonObject {
  const result: JsonObject = {};
  for (const owners of ['Projects', 'LibraryVariableSets'] as const) {
    const byOwner: JsonObject = {};
    for (const [owner, templates] of values[owners]) {
      const byTemplate: JsonObject = {};
      for (const [template, entries] of templates) {
        const value = documentValue(entries);
        if (value !== null && !(Array.isArray(value) && value.length === 0)) byTemplate[template] = value;
      }
      if (Object.keys(byTemplate).length > 0) byOwner[owner] = byTemplate;
    }
    if (Object.keys(byOwner).length > 0) result[owners] = byOwner;
  }
  return result;
}

function emptyValues(): TenantValues {
  return { Projects: new Map(), LibraryVariableSets: new Map() };
}

function add(values: TenantValues, owners: Owners, owner: string, template: string, entry: ValueEntry): void {
  const templates = values[owners].get(owner) ?? new Map<string, ValueEntry[]>();
  templates.set(template, [...(templates.get(template) ?? []), entry]);
  values[owners].set(owner, templates);
}

/**
 * The one place a value of the API becomes a document value: a plain string, `{HasValue: true}`
 * for a secret, null for none; the value of a template whose control type refers to something
 * (an account, a certificate, a worker pool) by name.
 */
function documentEntryValue(value: Json | undefined, template: JsonObject, names: NameResolver, where: string): Json {
  const plain = propertyValue(value);
  return plain === null ? null : controlValueToDocument(controlTypeOf(template.DisplaySettings), plain, names, `${where}.${String(template.Name)}`);
}

// ---------------------------------------------------------------------------------------------
// Reading: either API's resource → the document's `Variables`.

/**
 * A tenant's values from what the server gave: the legacy TenantVariableResource, or, from a
 * server with the scoped API, `{TenantId, Scoped: {Common, Project}}` (the two responses).
 */
export function variablesFromServer(resource: JsonObject, live: LiveSpace, names: NameResolver, where: string): JsonObject {
  const values = isObject(resource.Scoped) ? fromScoped(resource.Scoped, live, names, where) : fromLegacy(resource, live, names, where);
  return variablesDocument(values);
}

function fromLegacy(resource: JsonObject, live: LiveSpace, names: NameResolver, where: string): TenantValues {
  const values = emptyValues();
  for (const [projectId, entry] of Object.entries(isObject(resource.ProjectVariables) ? resource.ProjectVariables : {})) {
    if (!isObject(entry)) continue;
    const project = names.name('projects', projectId, `${where} Variables.Projects`);
    const templates = templatesOf(entry, live.projects, projectId);
    for (const [environmentId, byTemplate] of Object.entries(isObject(entry.Variables) ? entry.Variables : {})) {
      const environment = names.name('environments', environmentId, `${where} Variables.Projects.${project}`);
      for (const [template, value] of namedValues(byTemplate, templates, names, `${where} Variables.Projects.${project}`)) {
        add(values, 'Projects', project, template, { Value: value, Environments: [environment] });
      }
    }
  }
  for (const [setId, entry] of Object.entries(isObject(resource.LibraryVariables) ? resource.LibraryVariables : {})) {
    if (!isObject(entry)) continue;
    const set = names.name('libraryvariablesets', setId, `${where} Variables.LibraryVariableSets`);
    for (const [template, value] of namedValues(entry.Variables, templatesOf(entry, live.libraryvariablesets, setId), names, `${where} Variables.LibraryVariableSets.${set}`)) {
      add(values, 'LibraryVariableSets', set, template, { Value: value });
    }
  }
  return values;
}

function fromScoped(scoped: JsonObject, live: LiveSpace, names: NameResolver, where: string): TenantValues {
  const values = emptyValues();
  const read = (response: Json | undefined, owners: Owners, ownerField: string, collection: string, ownerList: readonly JsonObject[] | undefined) => {
    for (const item of asArray(isObject(response) ? response.Variables : undefined).filter(isObject)) {
      const ownerId = String(item[ownerField] ?? '');
      const owner = names.name(collection, ownerId, `${where} Variables.${owners}`);
      const at = `${where} Variables.${owners}.${owner}`;
      const template = isObject(item.Template) ? item.Template : templateById(ownerList?.find((o) => o.Id === ownerId)?.Templates, String(item.TemplateId));
      if (!template || typeof template.Name !== 'string') {
        names.problems.push({ where: at, message: `has a value for template '${String(item.TemplateId)}', which does not exist on the server; the value is dropped` });
        continue;
      }
      const value = documentEntryValue(item.Value, template, names, at);
      if (value === null) continue;
      const environmentIds = asArray(isObject(item.Scope) ? item.Scope.EnvironmentIds : undefined);
      const environments = names.names('environments', environmentIds, `${at}.${template.Name}`);
      add(values, owners, owner, template.Name, environments.length > 0 ? { Value: value, Environments: environments } : { Value: value });
    }
  };
  read(scoped.Common, 'LibraryVariableSets', 'LibraryVariableSetId', 'libraryvariablesets', live.libraryvariablesets);
  read(scoped.Project, 'Projects', 'ProjectId', 'projects', live.projects);
  return values;
}

/** The templates of a legacy variables entry: as embedded in it, else its owner's. */
function templatesOf(entry: JsonObject, owners: readonly JsonObject[] | undefined, ownerId: string): Json {
  if (Array.isArray(entry.Templates)) return entry.Templates;
  return (owners ?? []).find((owner) => owner.Id === ownerId)?.Templates ?? [];
}

function namedValues(values: Json | undefined, templates: Json, names: NameResolver, where: string): [string, Json][] {
  const result: [string, Json][] = [];
  for (const [templateId, raw] of Object.entries(isObject(values) ? values : {})) {
    if (propertyValue(raw) === null) continue;
    const template = templateById(templates, templateId);
    if (!template || typeof template.Name !== 'string') {
      names.problems.push({ where, message: `has a value for template '${templateId}', which does not exist on the server; the value is dropped` });
      continue;
    }
    result.push([template.Name, documentEntryValue(raw, template, names, where)]);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// What only the scoped API can hold.

export interface UnsupportedValue {
  /** Where in the document: `Variables.LibraryVariableSets.Common Settings.Customer.Region`. */
  where: string;
  template: string;
  reason: string;
}

/**
 * Values a server without the scoped API cannot hold: a common value scoped to environments (the
 * legacy API has one value per common template), and an unscoped project value (it has one value
 * per project template per environment). A project value scoped to several environments is fine:
 * it is one value per environment there.
 */
export function valuesOnlyScopedApiHolds(variables: Json | undefined): UnsupportedValue[] {
  const values = tenantValuesOf(variables);
  const found: UnsupportedValue[] = [];
  for (const [set, templates] of values.LibraryVariableSets) {
    for (const [template, entries] of templates) {
      const scoped = entries.filter((entry) => (entry.Environments ?? []).length > 0);
      if (scoped.length > 0) {
        const environments = [...new Set(scoped.flatMap((entry) => entry.Environments ?? []))].join(', ');
        found.push({ where: `Variables.LibraryVariableSets.${set}.${template}`, template, reason: `is scoped to environments (${environments})` });
      }
    }
  }
  for (const [project, templates] of values.Projects) {
    for (const [template, entries] of templates) {
      if (entries.some((entry) => (entry.Environments ?? []).length === 0)) {
        found.push({ where: `Variables.Projects.${project}.${template}`, template, reason: 'has a value for every environment (unscoped)' });
      }
    }
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// Writing through the legacy API.

/**
 * The TenantVariableResource to PUT to `/tenants/{id}/variables`, from the document and the
 * destination's `current` one (GET it after the tenant itself was saved, so it lists the
 * tenant's current connections and the destination's templates with their Ids).
 *
 * Every value the document gives is set; a value it does not give is removed (the template's
 * default applies). A secret marker `{HasValue: true}` keeps the destination's stored secret;
 * when the destination has none, the overlay must supply one as `{NewValue: "..."}` (a problem
 * otherwise). Values the legacy API cannot hold, and values for projects, environments, sets or
 * templates the destination's resource does not list, are problems naming the field.
 */
export function legacyVariablesPayload(tenant: string, variables: Json | undefined, ids: IdResolver, current: JsonObject, connected?: (projectId: string, environmentId: string) => string | undefined): JsonObject {
  const where = `tenant '${tenant}'`;
  for (const value of valuesOnlyScopedApiHolds(variables)) {
    ids.problems.push({ where: `${where} ${value.where}`, message: `${value.reason}, which only the scoped tenant variable API can hold; the destination does not have it` });
  }
  const desired = tenantValuesOf(variables);
  const currentProjects = isObject(current.ProjectVariables) ? current.ProjectVariables : {};
  const currentSets = isObject(current.LibraryVariables) ? current.LibraryVariables : {};

  const projectVariables: JsonObject = {};
  for (const [projectId, entry] of Object.entries(currentProjects)) {
    if (!isObject(entry)) continue;
    const name = ids.table.nameOf('projects', projectId) ?? String(entry.ProjectName ?? projectId);
    const currentValues = isObject(entry.Variables) ? entry.Variables : {};
    const variablesByEnvironment: Record<string, JsonObject> = {};
    // Every environment the destination lists stays, emptied unless the document gives values.
    for (const environmentId of Object.keys(currentValues)) variablesByEnvironment[environmentId] = {};
    for (const [template, entries] of byName(desired.Projects, name) ?? new Map<string, ValueEntry[]>()) {
      const at = `${where} Variables.Projects.${name}.${template}`;
      for (const value of entries) {
        for (const environment of value.Environments ?? []) {
          const environmentId = ids.id('environments', environment, at);
          if (environmentId === '') continue;
          const known = Object.keys(currentValues).find((id) => id.toLowerCase() === environmentId.toLowerCase()) ?? connected?.(projectId, environmentId);
          if (known === undefined) {
            ids.problems.push({ where: at, message: `the tenant is not connected to project '${name}' in environment '${environment}' in the destination` });
            continue;
          }
          const stored = currentValues[known];
          setValue((variablesByEnvironment[known] ??= {}), entry.Templates, template, value.Value, isObject(stored) ? stored : {}, ids, `${at} (${environment})`);
        }
      }
    }
    projectVariables[projectId] = { ...entry, Variables: variablesByEnvironment };
  }
  for (const name of desired.Projects.keys()) {
    if (!Object.keys(currentProjects).some((id) => sameName(ids.table.nameOf('projects', id) ?? (isObject(currentProjects[id]) ? currentProjects[id].ProjectName : undefined), name))) {
      ids.problems.push({ where: `${where} Variables.Projects.${name}`, message: `the tenant has no variables for project '${name}' in the destination (not connected, or the project has no templates)` });
    }
  }

  const libraryVariables: JsonObject = {};
  for (const [setId, entry] of Object.entries(currentSets)) {
    if (!isObject(entry)) continue;
    const name = ids.table.nameOf('libraryvariablesets', setId) ?? String(entry.LibraryVariableSetName ?? setId);
    const stored = isObject(entry.Variables) ? entry.Variables : {};
    const values: JsonObject = {};
    for (const [template, entries] of byName(desired.LibraryVariableSets, name) ?? new Map<string, ValueEntry[]>()) {
      const unscoped = entries.find((candidate) => (candidate.Environments ?? []).length === 0);
      if (unscoped) setValue(values, entry.Templates, template, unscoped.Value, stored, ids, `${where} Variables.LibraryVariableSets.${name}.${template}`);
    }
    libraryVariables[setId] = { ...entry, Variables: values };
  }
  for (const name of desired.LibraryVariableSets.keys()) {
    if (!Object.keys(currentSets).some((id) => sameName(ids.table.nameOf('libraryvariablesets', id) ?? (isObject(currentSets[id]) ? currentSets[id].LibraryVariableSetName : undefined), name))) {
      ids.problems.push({ where: `${where} Variables.LibraryVariableSets.${name}`, message: `the tenant has no variables for library variable set '${name}' in the destination (no project of the tenant includes it, or it has no templates)` });
    }
  }
  return { ...current, ProjectVariables: projectVariables, LibraryVariables: libraryVariables };
}

/** Sets one template's value (by name) in a legacy values map (template Id → value). */
function setValue(values: JsonObject, templates: Json | undefined, name: string, value: Json, stored: JsonObject, ids: IdResolver, where: string): void {
  const template = templateByName(templates, name);
  if (!template || typeof template.Id !== 'string') {
    ids.problems.push({ where, message: `refers to template '${name}', which does not exist in the destination` });
    return;
  }
  const payload = payloadValue(value, isSecretValue(propertyValue(stored[template.Id])), ids, where, controlTypeOf(template.DisplaySettings));
  if (payload !== undefined) values[template.Id] = payload;
}

/**
 * A document value as a payload sends it: a plain string as it is (the id of what it names for a
 * template whose control type refers to something); a secret the overlay supplies as a new
 * value; a secret marker keeps the destination's secret (`{HasValue: true, NewValue: null}`) when
 * it has one, and is a problem when it has none.
 */
function payloadValue(value: Json, destinationHasSecret: boolean, ids: IdResolver, where: string, controlType: string | undefined): Json | undefined {
  // A value left out until a second pass (see shared/deferral.ts).
  if (value === null) return undefined;
  if (!isSecretValue(value)) return controlValueToPayload(controlType, value, ids, where);
  if (typeof value.NewValue === 'string') return { HasValue: true, NewValue: value.NewValue };
  if (destinationHasSecret) return { HasValue: true, NewValue: null };
  ids.problems.push({ where, message: 'is a secret the destination does not hold; supply it through the destination overlay' });
  return undefined;
}

function byName<T>(map: Map<string, T>, name: string): T | undefined {
  for (const [key, value] of map) if (key.toLowerCase() === name.toLowerCase()) return value;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Writing through the scoped API.

export interface ScopedPayloads {
  common: JsonObject;
  project: JsonObject;
}

/**
 * The bodies of `PUT /tenants/{id}/commonvariables` and `/projectvariables`, from the document
 * and the destination's current responses (read after the tenant was saved). Each replaces all
 * values of its kind. A value keeps the Id of the destination's value for the same owner,
 * template and environments (so a secret marker keeps that value's secret); owners, templates
 * and environments are resolved by name, and what the destination lacks is a problem naming it.
 */
export function scopedVariablesPayloads(
  tenant: string,
  tenantId: string,
  spaceId: string,
  variables: Json | undefined,
  ids: IdResolver,
  current: { common: JsonObject; project: JsonObject },
  /** The tenant's connections as they will be (project id → environment ids), to check against before writing; absent: not checked. */
  connections?: JsonObject,
): ScopedPayloads {
  const where = `tenant '${tenant}'`;
  const desired = tenantValuesOf(variables);
  const connected = connections === undefined ? undefined : connectionsOf(connections, ids);
  const build = (owners: Owners, response: JsonObject, collection: string, ownerField: string) => {
    const existing = asArray(response.Variables).filter(isObject);
    const items: JsonObject[] = [];
    for (const [owner, templates] of desired[owners]) {
      const at = `${where} Variables.${owners}.${owner}`;
      const ownerId = ids.id(collection, owner, at);
      if (ownerId === '') continue;
      const allowed = connected === undefined ? undefined : owners === 'Projects' ? connected.projects.get(ownerId.toLowerCase()) : connected.sets.has(ownerId.toLowerCase()) ? connected.all : undefined;
      if (connected !== undefined && allowed === undefined) {
        ids.problems.push({
          where: at,
          message: owners === 'Projects' ? `the tenant is not connected to project '${owner}' in the destination` : `no project the tenant is connected to includes library variable set '${owner}' in the destination`,
        });
        continue;
      }
      const ownerTemplates = ids.table.resource(collection, ownerId)?.Templates;
      for (const [name, entries] of templates) {
        const template = templateByName(ownerTemplates, name);
        if (!template || typeof template.Id !== 'string') {
          ids.problems.push({ where: `${at}.${name}`, message: `refers to template '${name}', which does not exist in the destination` });
          continue;
        }
        for (const entry of entries) {
          const environmentIds = ids.ids('environments', entry.Environments ?? [], `${at}.${name}`);
          for (const [index, environmentId] of environmentIds.entries()) {
            if (allowed === undefined || environmentId === '' || allowed.has(environmentId.toLowerCase())) continue;
            ids.problems.push({ where: `${at}.${name}`, message: `the tenant is not connected to environment '${String(entry.Environments?.[index])}'${owners === 'Projects' ? ` for project '${owner}'` : ''} in the destination` });
          }
          const match = existing.find(
            (item) =>
              String(item[ownerField]).toLowerCase() === ownerId.toLowerCase() &&
              String(item.TemplateId) === template.Id &&
              sameEnvironments(asArray(isObject(item.Scope) ? item.Scope.EnvironmentIds : undefined).map(String), environmentIds),
          );
          const scoped = (entry.Environments ?? []).length > 0 ? ` (${(entry.Environments ?? []).join(', ')})` : '';
          const value = payloadValue(entry.Value, match !== undefined && isSecretValue(propertyValue(match.Value)), ids, `${at}.${name}${scoped}`, controlTypeOf(template.DisplaySettings));
          if (value === undefined) continue;
          items.push({
            ...(match && typeof match.Id === 'string' ? { Id: match.Id } : {}),
            // The reference names the owner `OwnerId`; Octopus's own scripts send the typed field: both are sent.
            OwnerId: ownerId,
            [ownerField]: ownerId,
            TemplateId: template.Id,
            Value: value,
            Scope: { EnvironmentIds: environmentIds },
          });
        }
      }
    }
    return { TenantId: tenantId, SpaceId: spaceId, ...(typeof response.ConcurrencyToken === 'string' ? { ConcurrencyToken: response.ConcurrencyToken } : {}), Variables: items };
  };
  return {
    common: build('LibraryVariableSets', current.common, 'libraryvariablesets', 'LibraryVariableSetId'),
    project: build('Projects', current.project, 'projects', 'ProjectId'),
  };
}

/** Connections (project id → environment ids) as lookups: per project, all of them, and the library sets with templates the projects include. */
function connectionsOf(connections: JsonObject, ids: IdResolver): { projects: Map<string, Set<string>>; all: Set<string>; sets: Set<string> } {
  const projects = new Map<string, Set<string>>();
  const all = new Set<string>();
  const sets = new Set<string>();
  for (const [projectId, environmentIds] of Object.entries(connections)) {
    const environments = new Set(asArray(environmentIds).map((id) => String(id).toLowerCase()));
    projects.set(projectId.toLowerCase(), environments);
    for (const environment of environments) all.add(environment);
    for (const setId of asArray(ids.table.resource('projects', projectId)?.IncludedLibraryVariableSetIds)) sets.add(String(setId).toLowerCase());
  }
  return { projects, all, sets };
}

function sameEnvironments(a: string[], b: string[]): boolean {
  const key = (list: string[]) => [...new Set(list.map((id) => id.toLowerCase()))].sort().join(',');
  return key(a) === key(b);
}
