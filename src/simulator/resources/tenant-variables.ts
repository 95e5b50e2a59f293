// Tenant variable values, the legacy `TenantVariableResource` (`GET|PUT /tenants/{id}/variables`).
// A tenant gives values to the variable templates of the projects it is connected to (per
// connected environment) and of the library variable sets those projects include. The stored
// document `TenantVariables-<tenantId>` keeps only the values (`ProjectValues`
// {projectId: {environmentId: {templateId: value}}} and `LibraryValues` {setId: {templateId:
// value}}); names, templates and the connected projects and environments are read from the
// space on every read, so a read always follows the tenant's current connections.
// Values of sensitive templates (`DisplaySettings["Octopus.ControlType"] = "Sensitive"`) are
// `SensitiveValue`s whose secret lives in the store under `<tenantId>:Variables:...` (deleting
// the tenant drops them with it).
import { asObject } from '../instance.js';
import type { Instance } from '../instance.js';
import type { ResourceDef, SaveContext } from '../resource-def.js';
import { applySensitiveValue, isSensitiveValueShape } from '../sensitive.js';
import type { Doc, Store } from '../store.js';
import { connections } from './tenants.js';

type Json = Record<string, unknown>;
type Values = Record<string, unknown>;

export const tenantVariables: ResourceDef = {
  collection: 'tenantvariables',
  idPrefix: 'TenantVariables',
  itemType: 'TenantVariable',
  scope: 'space',
  sortBy: 'Id',
  uniqueName: false,
  createOnly: ['TenantId'],
  serverManaged: ['TenantName', 'ProjectValues', 'LibraryValues'],
  defaults: () => ({ TenantId: null, ProjectVariables: {}, LibraryVariables: {} }),
  validate: validateTenantVariables,
  prepare: prepareTenantVariables,
  relatedIds: (doc) => (typeof doc.TenantId === 'string' ? [doc.TenantId] : []),
};

export function tenantVariablesId(tenantId: string): string {
  return `TenantVariables-${tenantId}`;
}

/**
 * Saves what a `PUT /tenants/{id}/variables` sends and returns the resource as a read shows it.
 * The stored document is made on the first write (a tenant has no values until then).
 */
export function saveTenantVariables(instance: Instance, spaceId: string | null, tenantId: string, body: unknown): Doc {
  const tenant = instance.get('tenants', spaceId, tenantId);
  const id = tenantVariablesId(tenant.Id);
  const input = { ...asObject(body), TenantId: tenant.Id };
  if (instance.find('tenantvariables', spaceId, id)) instance.update('tenantvariables', spaceId, id, input);
  else instance.create('tenantvariables', spaceId, input, { id });
  return tenantVariablesView(instance, tenant);
}

// ---------------------------------------------------------------------------------------------
// What the tenant can hold values for.

interface ProjectSlot {
  project: Doc;
  environments: string[];
  templates: Map<string, Json>;
}

interface LibrarySlot {
  set: Doc;
  templates: Map<string, Json>;
}

interface TenantSlots {
  projects: Map<string, ProjectSlot>;
  libraries: Map<string, LibrarySlot>;
}

/** Connected projects (with their connected environments) and the library sets they include that have templates. */
function tenantSlots(instance: Instance, spaceId: string | null, tenant: Doc): TenantSlots {
  const slots: TenantSlots = { projects: new Map(), libraries: new Map() };
  for (const [projectId, environments] of Object.entries(connections(tenant))) {
    const project = instance.find('projects', spaceId, projectId);
    if (!project) continue;
    slots.projects.set(project.Id, { project, environments: [...new Set(environments.map(String))], templates: templatesOf(project) });
    for (const setId of listOf(project.IncludedLibraryVariableSetIds)) {
      const set = instance.find('libraryvariablesets', spaceId, setId);
      if (set && !slots.libraries.has(set.Id) && templatesOf(set).size > 0) slots.libraries.set(set.Id, { set, templates: templatesOf(set) });
    }
  }
  return slots;
}

function templatesOf(owner: Doc): Map<string, Json> {
  return new Map(listOfObjects(owner.Templates).map((t) => [String(t.Id), t]));
}

function isSensitiveTemplate(template: Json): boolean {
  return asJson(template.DisplaySettings)['Octopus.ControlType'] === 'Sensitive';
}

// ---------------------------------------------------------------------------------------------
// Validation: values only for connected projects and environments, known templates, and the
// right kind of value for the template.

function validateTenantVariables(doc: Doc, ctx: SaveContext): string[] {
  const tenant = ctx.instance.find('tenants', ctx.spaceId, String(doc.TenantId));
  if (!tenant) return [`TenantId: the tenant '${String(doc.TenantId)}' does not exist.`];
  const slots = tenantSlots(ctx.instance, ctx.spaceId, tenant);
  return [...checkProjectVariables(doc.ProjectVariables, slots), ...checkLibraryVariables(doc.LibraryVariables, slots)];
}

function checkProjectVariables(raw: unknown, slots: TenantSlots): string[] {
  if (raw === undefined || raw === null) return [];
  if (!isObject(raw)) return ['ProjectVariables must be an object keyed by project Id.'];
  return Object.entries(raw).flatMap(([projectId, entry]) => {
    const slot = findSlot(slots.projects, projectId);
    if (!slot) return [`ProjectVariables: the tenant is not connected to the project '${projectId}'.`];
    const where = `ProjectVariables '${String(slot.project.Name)}'`;
    const variables = asJson(entry).Variables ?? {};
    if (!isObject(variables)) return [`${where}: Variables must be an object keyed by environment Id.`];
    return Object.entries(variables).flatMap(([environmentId, values]) => {
      if (!slot.environments.some((e) => e.toLowerCase() === environmentId.toLowerCase())) {
        return [`${where}: the tenant is not connected to this project in the environment '${environmentId}'.`];
      }
      return checkValues(values, slot.templates, `${where} (${environmentId})`);
    });
  });
}

function checkLibraryVariables(raw: unknown, slots: TenantSlots): string[] {
  if (raw === undefined || raw === null) return [];
  if (!isObject(raw)) return ['LibraryVariables must be an object keyed by library variable set Id.'];
  return Object.entries(raw).flatMap(([setId, entry]) => {
    const slot = findSlot(slots.libraries, setId);
    if (!slot) return [`LibraryVariables: the library variable set '${setId}' is not included by any project this tenant is connected to, or has no templates.`];
    return checkValues(asJson(entry).Variables ?? {}, slot.templates, `LibraryVariables '${String(slot.set.Name)}'`);
  });
}

function checkValues(values: unknown, templates: Map<string, Json>, where: string): string[] {
  if (!isObject(values)) return [`${where}: values must be an object keyed by template Id.`];
  return Object.entries(values).flatMap(([templateId, raw]) => {
    const template = templates.get(templateId);
    if (!template) return [`${where}: the variable template '${templateId}' does not exist.`];
    const value = unwrap(raw);
    if (isSensitiveValueShape(value) && !isSensitiveTemplate(template)) {
      return [`${where}: the template '${String(template.Name)}' is not sensitive; send its value as a string.`];
    }
    if (value !== null && typeof value === 'object' && !isSensitiveValueShape(value)) return [`${where}: the value for '${String(template.Name)}' must be a string or a SensitiveValue.`];
    return [];
  });
}

// ---------------------------------------------------------------------------------------------
// Storing.

function prepareTenantVariables(doc: Doc, ctx: SaveContext): void {
  const store = ctx.instance.store;
  const tenant = ctx.instance.get('tenants', ctx.spaceId, String(doc.TenantId));
  const slots = tenantSlots(ctx.instance, ctx.spaceId, tenant);
  const prefix = `${tenant.Id}:Variables`;
  const keep = new Set<string>();
  const projectValues: Record<string, Record<string, Values>> = {};
  for (const [projectId, entry] of Object.entries(asJson(doc.ProjectVariables))) {
    const slot = findSlot(slots.projects, projectId);
    if (!slot) continue;
    const byEnvironment: Record<string, Values> = {};
    for (const [environmentId, values] of Object.entries(asJson(asJson(entry).Variables))) {
      const environment = slot.environments.find((e) => e.toLowerCase() === environmentId.toLowerCase()) ?? environmentId;
      byEnvironment[environment] = storeValues(store, `${prefix}:${slot.project.Id}:${environment}`, values, slot.templates, keep);
    }
    projectValues[slot.project.Id] = byEnvironment;
  }
  const libraryValues: Record<string, Values> = {};
  for (const [setId, entry] of Object.entries(asJson(doc.LibraryVariables))) {
    const slot = findSlot(slots.libraries, setId);
    if (slot) libraryValues[slot.set.Id] = storeValues(store, `${prefix}:${slot.set.Id}`, asJson(entry).Variables, slot.templates, keep);
  }
  store.pruneSecrets(`${prefix}:`, keep);
  // The stored document holds only the values; everything else a read computes.
  for (const field of Object.keys(doc)) if (!['Id', 'SpaceId', 'TenantId'].includes(field)) delete doc[field];
  doc.ProjectValues = projectValues;
  doc.LibraryValues = libraryValues;
}

/** Values by template Id; an empty value, or a cleared secret, is no value at all (inferred). */
function storeValues(store: Store, prefix: string, sent: unknown, templates: Map<string, Json>, keep: Set<string>): Values {
  const result: Values = {};
  for (const [templateId, raw] of Object.entries(asJson(sent))) {
    const template = templates.get(templateId);
    if (!template) continue;
    const value = unwrap(raw);
    if (!isSensitiveTemplate(template)) {
      if (value !== null && value !== undefined) result[templateId] = String(value);
      continue;
    }
    const key = `${prefix}:${templateId}`;
    if (value === null || value === undefined) store.setSecret(key, undefined);
    else applySensitiveValue(store, key, value, false);
    if (store.hasSecret(key)) {
      keep.add(key);
      result[templateId] = { HasValue: true, NewValue: null, Hint: null };
    }
  }
  return result;
}

/** Accepts the `PropertyValueResource` form `{IsSensitive, Value, SensitiveValue}` too. */
function unwrap(value: unknown): unknown {
  if (!isObject(value) || !('IsSensitive' in value)) return value;
  return value.IsSensitive === true ? value.SensitiveValue : value.Value;
}

// ---------------------------------------------------------------------------------------------
// Reading.

/** The TenantVariableResource of a tenant as a read shows it. */
export function tenantVariablesView(instance: Instance, tenant: Doc): Doc {
  const spaceId = (tenant.SpaceId as string | null | undefined) ?? null;
  const id = tenantVariablesId(tenant.Id);
  const stored = instance.find('tenantvariables', spaceId, id);
  const slots = tenantSlots(instance, spaceId, tenant);
  const space = `/api/${String(spaceId)}`;
  const projectValues = asJson(stored?.ProjectValues);
  const libraryValues = asJson(stored?.LibraryValues);
  const projectVariables: Json = {};
  for (const [projectId, slot] of slots.projects) {
    const byEnvironment = asJson(projectValues[projectId]);
    projectVariables[projectId] = {
      ProjectId: projectId,
      ProjectName: slot.project.Name,
      Templates: structuredClone(listOfObjects(slot.project.Templates)),
      Variables: Object.fromEntries(slot.environments.map((env) => [env, currentValues(byEnvironment[env], slot.templates)])),
      Links: { Project: `${space}/projects/${projectId}` },
    };
  }
  const libraryVariables: Json = {};
  for (const [setId, slot] of slots.libraries) {
    libraryVariables[setId] = {
      LibraryVariableSetId: setId,
      LibraryVariableSetName: slot.set.Name,
      Templates: structuredClone(listOfObjects(slot.set.Templates)),
      Variables: currentValues(libraryValues[setId], slot.templates),
      Links: { LibraryVariableSet: `${space}/libraryvariablesets/${setId}` },
    };
  }
  return {
    Id: id,
    TenantId: tenant.Id,
    TenantName: tenant.Name,
    ProjectVariables: projectVariables,
    LibraryVariables: libraryVariables,
    SpaceId: spaceId,
    LastModifiedOn: stored?.LastModifiedOn ?? null,
    LastModifiedBy: stored?.LastModifiedBy ?? null,
    Links: { Self: `${space}/tenants/${tenant.Id}/variables`, Tenant: `${space}/tenants/${tenant.Id}` },
  };
}

/** Stored values whose template still exists. */
function currentValues(values: unknown, templates: Map<string, Json>): Values {
  return Object.fromEntries(Object.entries(asJson(values)).filter(([templateId]) => templates.has(templateId)).map(([k, v]) => [k, structuredClone(v)]));
}

// ---------------------------------------------------------------------------------------------
// Small helpers.

function findSlot<T>(slots: Map<string, T>, id: string): T | undefined {
  const wanted = id.toLowerCase();
  for (const [key, slot] of slots) if (key.toLowerCase() === wanted) return slot;
  return undefined;
}

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function asJson(value: unknown): Json {
  return isObject(value) ? value : {};
}

function listOf(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

function listOfObjects(value: unknown): Json[] {
  return Array.isArray(value) ? value.map(asJson) : [];
}
