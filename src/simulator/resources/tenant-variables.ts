// Tenant variable values. A tenant gives values to the variable templates of the projects it is
// connected to ("project variables") and of the library variable sets those projects include
// ("common variables"). Two APIs show them:
//
// - the legacy `TenantVariableResource` (`GET|PUT|POST /tenants/{id}/variables`,
//   `GET /tenantvariables/all`): one value per project template per connected environment, and one
//   value per common template;
// - since 2025.1/2025.2, with the `CommonVariableScopingFeatureToggle` on (the 2026 default),
//   `GET|PUT|POST /tenants/{id}/commonvariables` and `/tenants/{id}/projectvariables`: a list of
//   values per template, each unscoped or scoped to several environments. With the toggle on, the
//   legacy write is refused (the Octopus CLI team: "the original update endpoint is not
//   accessible"); its reads still answer, showing per environment the value that applies there.
//
// The stored document `TenantVariables-<tenantId>` keeps the values in the second form:
// `Values: [{Id, OwnerId, TemplateId, Value, EnvironmentIds}]` (no environments: unscoped), plus a
// `ConcurrencyToken` changed on every write. Names, templates, connections and the environments a
// value may apply to are read from the space on every read, so reads follow the tenant's
// connections. Secrets of sensitive templates live in the store under `<tenantId>:Variables:<value
// id>` and go with the tenant.
import { createHash } from 'node:crypto';
import { HttpError, badRequest, notFound, validationFailed } from '../http-error.js';
import { asObject } from '../instance.js';
import type { Instance } from '../instance.js';
import type { ResourceDef } from '../resource-def.js';
import { applySensitiveValue, isSensitiveValueShape, view } from '../sensitive.js';
import type { Doc } from '../store.js';
import { connections } from './tenants.js';

type Json = Record<string, unknown>;

interface StoredValue {
  Id: string;
  OwnerId: string;
  TemplateId: string;
  /** The plain value; null for a sensitive template (its secret is in the store). */
  Value: string | null;
  EnvironmentIds: string[];
}

export const tenantVariables: ResourceDef = {
  collection: 'tenantvariables',
  idPrefix: 'TenantVariables',
  itemType: 'TenantVariable',
  scope: 'space',
  sortBy: 'Id',
  uniqueName: false,
  defaults: () => ({ TenantId: null, Values: [] }),
  relatedIds: (doc) => (typeof doc.TenantId === 'string' ? [doc.TenantId] : []),
};

export function tenantVariablesId(tenantId: string): string {
  return `TenantVariables-${tenantId}`;
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
  /** Every environment the tenant is connected to, through any project: where a common value can apply. */
  environments: string[];
}

/** Connected projects (with their connected environments) and the library sets they include that have templates. */
function tenantSlots(instance: Instance, spaceId: string | null, tenant: Doc): TenantSlots {
  const slots: TenantSlots = { projects: new Map(), libraries: new Map(), environments: [] };
  const environments = new Set<string>();
  for (const [projectId, connected] of Object.entries(connections(tenant))) {
    const project = instance.find('projects', spaceId, projectId);
    if (!project) continue;
    const projectEnvironments = [...new Set(connected.map(String))];
    for (const environment of projectEnvironments) environments.add(environment);
    slots.projects.set(project.Id, { project, environments: projectEnvironments, templates: templatesOf(project) });
    for (const setId of listOf(project.IncludedLibraryVariableSetIds)) {
      const set = instance.find('libraryvariablesets', spaceId, setId);
      if (set && !slots.libraries.has(set.Id) && templatesOf(set).size > 0) slots.libraries.set(set.Id, { set, templates: templatesOf(set) });
    }
  }
  slots.environments = [...environments];
  return slots;
}

function templatesOf(owner: Doc): Map<string, Json> {
  return new Map(listOfObjects(owner.Templates).map((t) => [String(t.Id), t]));
}

function isSensitiveTemplate(template: Json): boolean {
  return asJson(template.DisplaySettings)['Octopus.ControlType'] === 'Sensitive';
}

// ---------------------------------------------------------------------------------------------
// The stored values.

function storedDoc(instance: Instance, spaceId: string | null, tenant: Doc): Doc | undefined {
  return instance.find('tenantvariables', spaceId, tenantVariablesId(tenant.Id));
}

function storedValues(doc: Doc | undefined): StoredValue[] {
  return listOfObjects(doc?.Values).map((value) => ({
    Id: String(value.Id),
    OwnerId: String(value.OwnerId),
    TemplateId: String(value.TemplateId),
    Value: typeof value.Value === 'string' ? value.Value : null,
    EnvironmentIds: listOf(value.EnvironmentIds),
  }));
}

function secretKey(tenant: Doc, valueId: string): string {
  return `${tenant.Id}:Variables:${valueId}`;
}

/** A value as it still applies: its owner and template exist, and it keeps only environments it can apply to (none left: gone). */
function liveValue(value: StoredValue, slots: TenantSlots): { value: StoredValue; owner: ProjectSlot | LibrarySlot; template: Json } | undefined {
  const project = findSlot(slots.projects, value.OwnerId);
  const owner = project ?? findSlot(slots.libraries, value.OwnerId);
  const template = owner?.templates.get(value.TemplateId);
  if (!owner || !template) return undefined;
  if (value.EnvironmentIds.length === 0) return { value, owner, template };
  const allowed = project ? project.environments : slots.environments;
  const environments = value.EnvironmentIds.filter((id) => allowed.some((e) => e.toLowerCase() === id.toLowerCase()));
  return environments.length === 0 ? undefined : { value: { ...value, EnvironmentIds: environments }, owner, template };
}

function shownValue(instance: Instance, tenant: Doc, value: StoredValue, template: Json): unknown {
  if (!isSensitiveTemplate(template)) return value.Value;
  return instance.store.hasSecret(secretKey(tenant, value.Id)) ? view(true) : null;
}

/** Saves the values (replacing all), dropping the secrets of values no longer there. */
function saveValues(instance: Instance, spaceId: string | null, tenant: Doc, values: StoredValue[]): Doc {
  const id = tenantVariablesId(tenant.Id);
  const existing = instance.find('tenantvariables', spaceId, id);
  const keep = new Set(values.map((value) => secretKey(tenant, value.Id)));
  instance.store.pruneSecrets(`${tenant.Id}:Variables:`, keep);
  // The token changes when the values do (a counter: opaque to clients, the same in two seeded
  // instances); writing back what was read leaves it as it was.
  // (A digest: secrets never live inside documents.)
  const fingerprint = createHash('sha256').update(JSON.stringify([values, [...keep].sort().map((key) => instance.store.readSecret(key) ?? null)])).digest('hex');
  const writes = Number(existing?.Writes ?? 0) + (existing?.Fingerprint === fingerprint ? 0 : 1);
  const doc: Doc = { Id: id, SpaceId: spaceId, TenantId: tenant.Id, Values: values, Writes: writes, Fingerprint: fingerprint, ConcurrencyToken: `${tenant.Id}-${writes}` };
  return instance.saveOwned('tenantvariables', doc, existing ? 'Modified' : 'Created');
}

function concurrencyToken(instance: Instance, spaceId: string | null, tenant: Doc): string {
  // A tenant without values yet still has a token to send back (inferred: any stable string).
  return String(storedDoc(instance, spaceId, tenant)?.ConcurrencyToken ?? `tenant-${tenant.Id}-new`);
}

/**
 * Applies what a write sent for a value of a template and returns the stored value; a sensitive
 * template's value becomes a secret (a plain string too), and `{HasValue: true}` without a new
 * value keeps the secret of the value with the same Id.
 */
function storedValue(instance: Instance, tenant: Doc, id: string, previousIds: Set<string>, owner: string, template: Json, sent: unknown, environments: string[]): StoredValue | undefined {
  const value = unwrap(sent);
  const stored: StoredValue = { Id: id, OwnerId: owner, TemplateId: String(template.Id), Value: null, EnvironmentIds: environments };
  if (!isSensitiveTemplate(template)) {
    if (value === null || value === undefined) return undefined;
    return { ...stored, Value: String(value) };
  }
  const key = secretKey(tenant, id);
  if (value === null || value === undefined) instance.store.setSecret(key, undefined);
  else applySensitiveValue(instance.store, key, value, !previousIds.has(id));
  return instance.store.hasSecret(key) ? stored : undefined;
}

// ---------------------------------------------------------------------------------------------
// The legacy API.

/** The TenantVariableResource of a tenant as a read shows it: per environment, the value that applies there. */
export function tenantVariablesView(instance: Instance, tenant: Doc): Doc {
  const spaceId = (tenant.SpaceId as string | null | undefined) ?? null;
  const stored = storedDoc(instance, spaceId, tenant);
  const slots = tenantSlots(instance, spaceId, tenant);
  const values = storedValues(stored).flatMap((value) => liveValue(value, slots) ?? []);
  const space = `/api/${String(spaceId)}`;
  const applying = (ownerId: string, templateId: string, environmentId?: string) => {
    const candidates = values.filter((v) => v.value.OwnerId === ownerId && v.value.TemplateId === templateId);
    const scoped = environmentId === undefined ? undefined : candidates.find((v) => v.value.EnvironmentIds.some((e) => e.toLowerCase() === environmentId.toLowerCase()));
    return scoped ?? candidates.find((v) => v.value.EnvironmentIds.length === 0);
  };
  const valuesFor = (ownerId: string, templates: Map<string, Json>, environmentId?: string): Json => {
    const result: Json = {};
    for (const [templateId, template] of templates) {
      const found = applying(ownerId, templateId, environmentId);
      if (found) result[templateId] = shownValue(instance, tenant, found.value, template);
    }
    return result;
  };
  const projectVariables: Json = {};
  for (const [projectId, slot] of slots.projects) {
    projectVariables[projectId] = {
      ProjectId: projectId,
      ProjectName: slot.project.Name,
      Templates: structuredClone(listOfObjects(slot.project.Templates)),
      Variables: Object.fromEntries(slot.environments.map((env) => [env, valuesFor(projectId, slot.templates, env)])),
      Links: { Project: `${space}/projects/${projectId}` },
    };
  }
  const libraryVariables: Json = {};
  for (const [setId, slot] of slots.libraries) {
    libraryVariables[setId] = {
      LibraryVariableSetId: setId,
      LibraryVariableSetName: slot.set.Name,
      Templates: structuredClone(listOfObjects(slot.set.Templates)),
      Variables: valuesFor(setId, slot.templates),
      Links: { LibraryVariableSet: `${space}/libraryvariablesets/${setId}` },
    };
  }
  return {
    Id: tenantVariablesId(tenant.Id),
    TenantId: tenant.Id,
    TenantName: tenant.Name,
    ProjectVariables: projectVariables,
    LibraryVariables: libraryVariables,
    SpaceId: spaceId,
    ConcurrencyToken: concurrencyToken(instance, spaceId, tenant),
    LastModifiedOn: stored?.LastModifiedOn ?? null,
    LastModifiedBy: stored?.LastModifiedBy ?? null,
    Links: { Self: `${space}/tenants/${tenant.Id}/variables`, Tenant: `${space}/tenants/${tenant.Id}` },
  };
}

/** `PUT /tenants/{id}/variables`: replaces every value; refused while the scoped API is on. */
export function saveTenantVariables(instance: Instance, spaceId: string | null, tenantId: string, body: unknown): Doc {
  if (instance.settings.tenantVariableScoping) {
    // The status is inferred: the Octopus CLI team reports the endpoint "not accessible" with the toggle on.
    throw badRequest(
      'Tenant variables can be scoped to environments on this server, so this endpoint cannot change them. Use /tenants/{id}/commonvariables and /tenants/{id}/projectvariables.',
    );
  }
  return replaceTenantVariables(instance, spaceId, tenantId, body);
}

/** Replaces every value of a tenant from a legacy TenantVariableResource (the seeds write values this way whatever the toggle). */
export function replaceTenantVariables(instance: Instance, spaceId: string | null, tenantId: string, body: unknown): Doc {
  const tenant = instance.get('tenants', spaceId, tenantId);
  const input = asObject(body);
  const slots = tenantSlots(instance, spaceId, tenant);
  const errors = [...checkProjectVariables(input.ProjectVariables, slots), ...checkLibraryVariables(input.LibraryVariables, slots)];
  if (errors.length > 0) throw validationFailed(errors);
  const before = storedValues(storedDoc(instance, spaceId, tenant));
  const previousIds = new Set(before.map((v) => v.Id));
  // A value keeps its Id (and its secret) when it is for the same owner, template and environment.
  const idFor = (owner: string, templateId: string, environments: string[]) =>
    before.find((v) => v.OwnerId === owner && v.TemplateId === templateId && sameSet(v.EnvironmentIds, environments))?.Id ?? newValueId(instance);
  const values: StoredValue[] = [];
  for (const [projectId, entry] of Object.entries(asJson(input.ProjectVariables))) {
    const slot = findSlot(slots.projects, projectId);
    if (!slot) continue;
    for (const [environmentId, sent] of Object.entries(asJson(asJson(entry).Variables))) {
      const environment = slot.environments.find((e) => e.toLowerCase() === environmentId.toLowerCase()) ?? environmentId;
      for (const [templateId, raw] of Object.entries(asJson(sent))) {
        const template = slot.templates.get(templateId);
        if (!template) continue;
        const value = storedValue(instance, tenant, idFor(slot.project.Id, templateId, [environment]), previousIds, slot.project.Id, template, raw, [environment]);
        if (value) values.push(value);
      }
    }
  }
  for (const [setId, entry] of Object.entries(asJson(input.LibraryVariables))) {
    const slot = findSlot(slots.libraries, setId);
    if (!slot) continue;
    for (const [templateId, raw] of Object.entries(asJson(asJson(entry).Variables))) {
      const template = slot.templates.get(templateId);
      if (!template) continue;
      const value = storedValue(instance, tenant, idFor(slot.set.Id, templateId, []), previousIds, slot.set.Id, template, raw, []);
      if (value) values.push(value);
    }
  }
  saveValues(instance, spaceId, tenant, values);
  return tenantVariablesView(instance, tenant);
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
    return checkValue(raw, template, where);
  });
}

function checkValue(raw: unknown, template: Json, where: string): string[] {
  const value = unwrap(raw);
  if (isSensitiveValueShape(value) && !isSensitiveTemplate(template)) {
    return [`${where}: the template '${String(template.Name)}' is not sensitive; send its value as a string.`];
  }
  if (value !== null && typeof value === 'object' && !isSensitiveValueShape(value)) return [`${where}: the value for '${String(template.Name)}' must be a string or a SensitiveValue.`];
  return [];
}

// ---------------------------------------------------------------------------------------------
// The scoped API (`/commonvariables`, `/projectvariables`).

export type ScopedKind = 'common' | 'project';

/** The response of `GET /tenants/{id}/commonvariables|projectvariables`. */
export function scopedVariablesView(instance: Instance, tenant: Doc, kind: ScopedKind, includeMissing: boolean): Json {
  const spaceId = (tenant.SpaceId as string | null | undefined) ?? null;
  const slots = tenantSlots(instance, spaceId, tenant);
  const owners: Map<string, ProjectSlot | LibrarySlot> = kind === 'project' ? slots.projects : slots.libraries;
  const values = storedValues(storedDoc(instance, spaceId, tenant))
    .flatMap((value) => liveValue(value, slots) ?? [])
    .filter((found) => findSlot(owners, found.value.OwnerId) !== undefined);
  const body: Json = {
    TenantId: tenant.Id,
    ConcurrencyToken: concurrencyToken(instance, spaceId, tenant),
    Variables: values.map(({ value, owner, template }) => ({
      Id: value.Id,
      ...ownerFields(owner),
      TemplateId: value.TemplateId,
      Template: structuredClone(template),
      Value: shownValue(instance, tenant, value, template),
      Scope: { EnvironmentIds: value.EnvironmentIds },
    })),
  };
  // Listed only when asked for; an empty list otherwise (inferred: the reference shows the field on every read).
  body.MissingVariables = includeMissing ? missingValues(owners, values.map((found) => found.value), slots) : [];
  return body;
}

function ownerFields(owner: ProjectSlot | LibrarySlot): Json {
  return 'project' in owner
    ? { ProjectId: owner.project.Id, ProjectName: owner.project.Name }
    : { LibraryVariableSetId: owner.set.Id, LibraryVariableSetName: owner.set.Name };
}

/** Templates without a value in some environments: an unscoped value covers all (OctopusDeploy/Issues#9283). */
function missingValues(owners: Map<string, ProjectSlot | LibrarySlot>, values: StoredValue[], slots: TenantSlots): Json[] {
  const missing: Json[] = [];
  for (const [ownerId, owner] of owners) {
    const environments = 'project' in owner ? owner.environments : slots.environments;
    for (const [templateId, template] of owner.templates) {
      const mine = values.filter((v) => v.OwnerId === ownerId && v.TemplateId === templateId);
      if (mine.some((v) => v.EnvironmentIds.length === 0)) continue;
      const covered = new Set(mine.flatMap((v) => v.EnvironmentIds.map((e) => e.toLowerCase())));
      const uncovered = environments.filter((e) => !covered.has(e.toLowerCase()));
      if (uncovered.length === 0) continue;
      const defaultValue = isSensitiveValueShape(template.DefaultValue) ? view(template.DefaultValue.HasValue === true) : (template.DefaultValue ?? null);
      missing.push({ ...ownerFields(owner), TemplateId: templateId, Template: structuredClone(template), Value: defaultValue, Scope: { EnvironmentIds: uncovered } });
    }
  }
  return missing;
}

/**
 * `PUT|POST /tenants/{id}/commonvariables|projectvariables`: replaces the tenant's values of that
 * kind with `Variables`, after checking every one (owner, template, environments the tenant is
 * connected to there, no environment in two values of a template, at most one unscoped value, the
 * concurrency token when one is sent).
 */
export function saveScopedVariables(instance: Instance, spaceId: string | null, tenantId: string, kind: ScopedKind, body: unknown): Json {
  const tenant = instance.get('tenants', spaceId, tenantId);
  const input = asObject(body);
  const stored = storedDoc(instance, spaceId, tenant);
  if (typeof input.ConcurrencyToken === 'string' && input.ConcurrencyToken !== '' && input.ConcurrencyToken !== concurrencyToken(instance, spaceId, tenant)) {
    throw new HttpError(409, "The tenant's variables were changed by someone else since you read them. Read them again and retry.");
  }
  if (!Array.isArray(input.Variables)) throw validationFailed(['The Variables field is required.']);
  const slots = tenantSlots(instance, spaceId, tenant);
  const owners: Map<string, ProjectSlot | LibrarySlot> = kind === 'project' ? slots.projects : slots.libraries;
  const before = storedValues(stored);
  const previousIds = new Set(before.map((v) => v.Id));
  const errors: string[] = [];
  const accepted: { owner: string; template: Json; id: string; value: unknown; environments: string[] }[] = [];
  const ownerField = kind === 'project' ? 'ProjectId' : 'LibraryVariableSetId';
  input.Variables.forEach((raw, index) => {
    const item = asJson(raw);
    const where = `Variables[${index}]`;
    // The reference names the owner `OwnerId`; Octopus's own scripts send `LibraryVariableSetId` (accepted too).
    const ownerId = String(item.OwnerId ?? item[ownerField] ?? '');
    const owner = findSlot(owners, ownerId);
    if (!owner) {
      errors.push(kind === 'project' ? `${where}: the tenant is not connected to the project '${ownerId}'.` : `${where}: the library variable set '${ownerId}' is not included by any project this tenant is connected to, or has no templates.`);
      return;
    }
    const template = owner.templates.get(String(item.TemplateId ?? ''));
    if (!template) {
      errors.push(`${where}: the variable template '${String(item.TemplateId)}' does not exist.`);
      return;
    }
    const allowed = 'project' in owner ? owner.environments : slots.environments;
    const environments = listOf(asJson(item.Scope).EnvironmentIds);
    for (const environment of environments) {
      if (!allowed.some((e) => e.toLowerCase() === environment.toLowerCase())) errors.push(`${where}: the tenant is not connected to the environment '${environment}'${'project' in owner ? ` for the project '${String(owner.project.Name)}'` : ''}.`);
    }
    errors.push(...checkValue(item.Value, template, where));
    const id = typeof item.Id === 'string' && previousIds.has(item.Id) ? item.Id : newValueId(instance);
    accepted.push({ owner: 'project' in owner ? owner.project.Id : owner.set.Id, template, id, value: item.Value, environments: [...new Set(environments)] });
  });
  // One value per environment and template, and one unscoped value per template.
  const seen = new Map<string, string>();
  for (const value of accepted) {
    const scope = value.environments.length === 0 ? ['(unscoped)'] : value.environments;
    for (const environment of scope) {
      const key = `${value.owner}/${String(value.template.Id)}/${environment.toLowerCase()}`;
      if (seen.has(key)) errors.push(`The template '${String(value.template.Name)}' has two values for ${environment === '(unscoped)' ? 'all environments' : `the environment '${environment}'`}.`);
      seen.set(key, value.id);
    }
  }
  if (errors.length > 0) throw validationFailed(errors);
  const kept = before.filter((value) => findSlot(owners, value.OwnerId) === undefined);
  const written = accepted.flatMap((a) => storedValue(instance, tenant, a.id, previousIds, a.owner, a.template, a.value, a.environments) ?? []);
  saveValues(instance, spaceId, tenant, [...kept, ...written]);
  const { MissingVariables: _missing, ...response } = scopedVariablesView(instance, tenant, kind, false);
  return response;
}

/** Whether the scoped API is served; without the toggle its routes do not exist. */
export function requireScopedApi(instance: Instance, path: string): void {
  if (!instance.settings.tenantVariableScoping) throw notFound(path);
}

function newValueId(instance: Instance): string {
  return instance.store.allocateId('TenantVariables');
}

// ---------------------------------------------------------------------------------------------
// Small helpers.

/** Accepts the `PropertyValueResource` form `{IsSensitive, Value, SensitiveValue}` too. */
function unwrap(value: unknown): unknown {
  if (!isObject(value) || !('IsSensitive' in value)) return value;
  return value.IsSensitive === true ? value.SensitiveValue : value.Value;
}

function sameSet(a: string[], b: string[]): boolean {
  const lower = (list: string[]) => [...new Set(list.map((x) => x.toLowerCase()))].sort().join(',');
  return lower(a) === lower(b);
}

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

/**
 * `GET /tenants/variables-missing`: per tenant, the templates without a default that have no value
 * for an environment the tenant is connected to (one entry per environment; an unscoped value
 * covers all). Filters: `tenantId`, `projectId`, `environmentId`; `includeDetails=false` names the
 * tenants only.
 */
export function missingTenantVariables(instance: Instance, spaceId: string | null, query: URLSearchParams): Json[] {
  const only = (name: string) => query.get(name)?.toLowerCase();
  const tenantId = only('tenantId');
  const projectId = only('projectId');
  const environmentId = only('environmentId');
  const details = (query.get('includeDetails') ?? 'true').toLowerCase() !== 'false';
  const result: Json[] = [];
  for (const tenant of instance.list('tenants', spaceId)) {
    if (tenantId && tenant.Id.toLowerCase() !== tenantId) continue;
    const slots = tenantSlots(instance, spaceId, tenant);
    if (projectId && !findSlot(slots.projects, projectId)) continue;
    const values = storedValues(storedDoc(instance, spaceId, tenant)).flatMap((value) => liveValue(value, slots)?.value ?? []);
    const missing: Json[] = [];
    const owners: [string, ProjectSlot | LibrarySlot][] = [...slots.projects, ...slots.libraries];
    for (const [ownerId, owner] of owners) {
      const environments = 'project' in owner ? owner.environments : slots.environments;
      for (const [templateId, template] of owner.templates) {
        if (template.DefaultValue !== null && template.DefaultValue !== undefined && template.DefaultValue !== '') continue;
        const mine = values.filter((v) => v.OwnerId === ownerId && v.TemplateId === templateId);
        if (mine.some((v) => v.EnvironmentIds.length === 0)) continue;
        const covered = new Set(mine.flatMap((v) => v.EnvironmentIds.map((e) => e.toLowerCase())));
        for (const environment of environments.filter((e) => !covered.has(e.toLowerCase()) && (!environmentId || e.toLowerCase() === environmentId))) {
          missing.push({
            EnvironmentId: environment,
            LibraryVariableSetId: 'set' in owner ? owner.set.Id : null,
            ProjectId: 'project' in owner ? owner.project.Id : null,
            VariableTemplateId: templateId,
            VariableTemplateName: template.Name ?? null,
            Links: {},
          });
        }
      }
    }
    if (missing.length > 0) result.push({ TenantId: tenant.Id, MissingVariables: details ? missing : [], Links: { Tenant: `/api/${String(spaceId)}/tenants/${tenant.Id}` } });
  }
  return result;
}
