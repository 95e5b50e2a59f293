// Tenants: `tenants/<slug>.yaml`, with their project/environment connections and the values
// they give to tenant variable templates, all by name. On the wire these are two resources: the
// tenant (`/tenants/{id}`) and its variables (`/tenants/{id}/variables`, a TenantVariableResource
// read space-wide from `/tenantvariables/all`).
import { canonicalize, compareNames, jsonEqual } from '../../core/canonical.js';
import type { Json, JsonObject, KindDocument, LiveSpace } from '../../core/document.js';
import type { IdResolver, NameResolver } from '../../core/refs.js';
import { uniqueSlugs } from '../../core/slug.js';
import { spacePath } from '../../octopus/index.js';
import { SERVER_FIELDS, asArray, isObject, without } from '../fields.js';
import { isSecretValue, propertyValue, sameName, templateById, templateByName } from '../projects/templates.js';
import { controlTypeOf, controlTypesByName, controlValueReferences, controlValueToDocument, controlValueToPayload } from '../shared/control-type-values.js';
import type { DocumentReference, Kind, ReferenceContext, WriteContext } from '../types.js';
import { liveResource, resolved, withClearedFields } from '../writing.js';
import { destinationContext, unresolvedNow, withoutPointers } from '../shared/deferral.js';

export const tenants: Kind = {
  name: 'tenants',
  title: 'tenant',
  dependsOn: ['projects', 'environments', 'tag-sets', 'library-variable-sets'],
  reads: ['tenants', 'tenantvariables', 'projects', 'environments', 'libraryvariablesets'],
  toDocuments: tenantDocuments,
  toPayload: (doc, ids) => tenantPayload(doc, ids),
  references: tenantReferences,
  writer: {
    writes: ['tenants', 'tenantvariables'],
    create: createTenant,
    update: updateTenant,
    // Deleting a tenant deletes its variable values with it.
    remove: async (current, ctx) => {
      const existing = liveResource(ctx, 'tenants', current.name);
      await ctx.api.delete(spacePath(ctx.spaceId, 'tenants', String(existing.Id)));
    },
    // A value naming a certificate (made after tenants: it can be tenanted) is set in the second pass.
    defer: (doc, ids) => withoutPointers(doc, unresolvedNow(tenantValueReferences(doc, destinationContext(ids)), ids).map((ref) => ref.pointer)),
  },
};

export function tenantDocuments(live: LiveSpace, names: NameResolver): KindDocument[] {
  const resources = live.tenants ?? [];
  const slugs = uniqueSlugs(resources.map((tenant) => String(tenant.Name)));
  return resources.map((tenant) => {
    const name = String(tenant.Name);
    const where = `tenant '${name}'`;
    // A clone's source is history, not configuration.
    const body = without(tenant, [...SERVER_FIELDS, 'ClonedFromTenantId', 'ProjectEnvironments', 'TenantTags']);
    body.TenantTags = asArray(tenant.TenantTags).map(String).sort(compareNames);
    body.ProjectEnvironments = connections(tenant.ProjectEnvironments, names, where);
    const variables = (live.tenantvariables ?? []).find((resource) => resource.TenantId === tenant.Id);
    const values = variables ? variableValues(variables, live, names, where) : {};
    if (Object.keys(values).length > 0) body.Variables = values;
    return { kind: 'tenants', name, file: `tenants/${slugs.get(name)}.yaml`, body: canonicalize(body) };
  });
}

function connections(value: Json | undefined, names: NameResolver, where: string): JsonObject {
  const result: JsonObject = {};
  for (const [projectId, environmentIds] of Object.entries(isObject(value) ? value : {})) {
    const project = names.name('projects', projectId, `${where} ProjectEnvironments`);
    result[project] = names.names('environments', environmentIds, `${where} ProjectEnvironments.${project}`).sort(compareNames);
  }
  return result;
}

/**
 * `{Projects: {<project>: {<environment>: {<template>: value}}}, LibraryVariableSets: {<set>:
 * {<template>: value}}}`. Only values the tenant sets are written (an absent one takes the
 * template's default); a secret is written as `{HasValue: true}`, never its value.
 */
function variableValues(resource: JsonObject, live: LiveSpace, names: NameResolver, where: string): JsonObject {
  const result: JsonObject = {};
  const projects: JsonObject = {};
  for (const [projectId, entry] of Object.entries(isObject(resource.ProjectVariables) ? resource.ProjectVariables : {})) {
    if (!isObject(entry)) continue;
    const project = names.name('projects', projectId, `${where} Variables.Projects`);
    const templates = templatesOf(entry, live.projects, projectId);
    const environments: JsonObject = {};
    for (const [environmentId, values] of Object.entries(isObject(entry.Variables) ? entry.Variables : {})) {
      const environment = names.name('environments', environmentId, `${where} Variables.Projects.${project}`);
      const named = namedValues(values, templates, names, `${where} Variables.Projects.${project}.${environment}`);
      if (Object.keys(named).length > 0) environments[environment] = named;
    }
    if (Object.keys(environments).length > 0) projects[project] = environments;
  }
  const sets: JsonObject = {};
  for (const [setId, entry] of Object.entries(isObject(resource.LibraryVariables) ? resource.LibraryVariables : {})) {
    if (!isObject(entry)) continue;
    const set = names.name('libraryvariablesets', setId, `${where} Variables.LibraryVariableSets`);
    const named = namedValues(entry.Variables, templatesOf(entry, live.libraryvariablesets, setId), names, `${where} Variables.LibraryVariableSets.${set}`);
    if (Object.keys(named).length > 0) sets[set] = named;
  }
  if (Object.keys(projects).length > 0) result.Projects = projects;
  if (Object.keys(sets).length > 0) result.LibraryVariableSets = sets;
  return result;
}

/** The templates of a variables entry: as embedded in it, else its owner's. */
function templatesOf(entry: JsonObject, owners: readonly JsonObject[] | undefined, ownerId: string): Json {
  if (Array.isArray(entry.Templates)) return entry.Templates;
  return (owners ?? []).find((owner) => owner.Id === ownerId)?.Templates ?? [];
}

function namedValues(values: Json | undefined, templates: Json, names: NameResolver, where: string): JsonObject {
  const result: JsonObject = {};
  for (const [templateId, value] of Object.entries(isObject(values) ? values : {})) {
    const normalized = propertyValue(value);
    if (normalized === null) continue;
    const template = templateById(templates, templateId);
    if (!template || typeof template.Name !== 'string') {
      names.problems.push({ where, message: `has a value for template '${templateId}', which does not exist on the server; the value is dropped` });
      continue;
    }
    // A value of a template whose control type refers to something (an account, a certificate,
    // a worker pool) is written by name.
    result[template.Name] = controlValueToDocument(controlTypeOf(template.DisplaySettings), normalized, names, `${where}.${template.Name}`);
  }
  return result;
}

/**
 * The TenantResource payload (PUT `/tenants/{id}` or POST `/tenants`): connections by id, no
 * variable values (those go through `tenantVariablesPayload`).
 */
export function tenantPayload(doc: KindDocument, ids: IdResolver): JsonObject {
  const where = `tenant '${doc.name}'`;
  const payload = without(doc.body, ['Variables', 'ProjectEnvironments']);
  const projectEnvironments: JsonObject = {};
  for (const [project, environments] of Object.entries(isObject(doc.body.ProjectEnvironments) ? doc.body.ProjectEnvironments : {})) {
    const projectId = ids.id('projects', project, `${where} ProjectEnvironments`);
    projectEnvironments[projectId] = ids.ids('environments', environments, `${where} ProjectEnvironments.${project}`);
  }
  payload.ProjectEnvironments = projectEnvironments;
  payload.TenantTags = asArray(doc.body.TenantTags);
  return payload;
}

/**
 * The TenantVariableResource to PUT to `/tenants/{id}/variables`, from the document and the
 * destination's `current` one (GET it after the tenant itself was saved, so it lists the
 * tenant's current connections and the destination's templates with their Ids).
 *
 * Every value the document gives is set; a value it does not give is removed (the template's
 * default applies). A secret marker `{HasValue: true}` keeps the destination's stored secret;
 * when the destination has none, the overlay must supply one as `{NewValue: "..."}` (a problem
 * otherwise). Values for projects, environments, sets or templates the destination's resource
 * does not list are problems naming the field.
 */
export function tenantVariablesPayload(doc: KindDocument, ids: IdResolver, current: JsonObject): JsonObject {
  const where = `tenant '${doc.name}'`;
  const desired = isObject(doc.body.Variables) ? doc.body.Variables : {};
  const desiredProjects = isObject(desired.Projects) ? desired.Projects : {};
  const desiredSets = isObject(desired.LibraryVariableSets) ? desired.LibraryVariableSets : {};
  const currentProjects = isObject(current.ProjectVariables) ? current.ProjectVariables : {};
  const currentSets = isObject(current.LibraryVariables) ? current.LibraryVariables : {};

  const projectVariables: JsonObject = {};
  for (const [projectId, entry] of Object.entries(currentProjects)) {
    if (!isObject(entry)) continue;
    const name = ids.table.nameOf('projects', projectId) ?? String(entry.ProjectName ?? projectId);
    const wanted = valueByName(desiredProjects, name);
    const currentValues = isObject(entry.Variables) ? entry.Variables : {};
    const variables: JsonObject = {};
    // Every environment the destination lists stays, emptied unless the document gives values.
    for (const environmentId of Object.keys(currentValues)) variables[environmentId] = {};
    for (const [environment, values] of Object.entries(isObject(wanted) ? wanted : {})) {
      const at = `${where} Variables.Projects.${name}.${environment}`;
      const environmentId = ids.id('environments', environment, at);
      if (environmentId === '') continue;
      const known = Object.keys(currentValues).find((id) => id.toLowerCase() === environmentId.toLowerCase()) ?? connectedEnvironment(doc, ids, projectId, environmentId);
      if (known === undefined) {
        ids.problems.push({ where: at, message: `the tenant is not connected to project '${name}' in environment '${environment}' in the destination` });
        continue;
      }
      const stored = currentValues[known];
      variables[known] = idValues(values, entry.Templates, isObject(stored) ? stored : {}, ids, at);
    }
    projectVariables[projectId] = { ...entry, Variables: variables };
  }
  for (const name of Object.keys(desiredProjects)) {
    if (!Object.keys(currentProjects).some((id) => sameName(ids.table.nameOf('projects', id) ?? (isObject(currentProjects[id]) ? currentProjects[id].ProjectName : undefined), name))) {
      ids.problems.push({ where: `${where} Variables.Projects.${name}`, message: `the tenant has no variables for project '${name}' in the destination (not connected, or the project has no templates)` });
    }
  }

  const libraryVariables: JsonObject = {};
  for (const [setId, entry] of Object.entries(currentSets)) {
    if (!isObject(entry)) continue;
    const name = ids.table.nameOf('libraryvariablesets', setId) ?? String(entry.LibraryVariableSetName ?? setId);
    const at = `${where} Variables.LibraryVariableSets.${name}`;
    const stored = isObject(entry.Variables) ? entry.Variables : {};
    libraryVariables[setId] = { ...entry, Variables: idValues(valueByName(desiredSets, name), entry.Templates, stored, ids, at) };
  }
  for (const name of Object.keys(desiredSets)) {
    if (!Object.keys(currentSets).some((id) => sameName(ids.table.nameOf('libraryvariablesets', id) ?? (isObject(currentSets[id]) ? currentSets[id].LibraryVariableSetName : undefined), name))) {
      ids.problems.push({ where: `${where} Variables.LibraryVariableSets.${name}`, message: `the tenant has no variables for library variable set '${name}' in the destination (no project of the tenant includes it, or it has no templates)` });
    }
  }
  return { ...current, ProjectVariables: projectVariables, LibraryVariables: libraryVariables };
}

/**
 * POST the tenant, then PUT its variables when the document gives any. Both payloads are
 * checked first (the variables against what the destination will list once the tenant is
 * saved), so an unresolved name or a missing secret fails before anything is written.
 */
async function createTenant(doc: KindDocument, ctx: WriteContext): Promise<void> {
  const payload = resolved(ctx.ids, `tenant '${doc.name}'`, () => checkedTenantPayload(doc, doc, ctx, hasVariables(doc)));
  const tenant = await ctx.api.post<JsonObject>(spacePath(ctx.spaceId, 'tenants'), payload);
  if (hasVariables(doc)) await writeTenantVariables(doc, ctx, String(tenant.Id));
}

/**
 * PUT the tenant over the destination's own when its settings or connections changed, then its
 * variables when they changed. Values compare as documents hold them (a secret as
 * `{HasValue: true}`); a secret apply supplies (`NewValue`: the destination has none, or the
 * overlay's value changed since the last apply) is a change of its own.
 */
async function updateTenant(doc: KindDocument, current: KindDocument, ctx: WriteContext): Promise<void> {
  const existing = liveResource(ctx, 'tenants', current.name);
  const tenantId = String(existing.Id);
  const desiredTenant = withClearedFields(tenantPart(doc), tenantPart(current));
  const tenantChanged = !sameContent(tenantPart(doc).body, tenantPart(current).body);
  const variablesChanged = !sameContent(doc.body.Variables ?? null, current.body.Variables ?? null) || suppliesSecret(doc.body.Variables ?? null);
  const payload = resolved(ctx.ids, `tenant '${doc.name}'`, () => checkedTenantPayload(doc, desiredTenant, ctx, variablesChanged, tenantId));
  if (tenantChanged) await ctx.api.put(spacePath(ctx.spaceId, 'tenants', tenantId), { ...existing, ...payload });
  if (variablesChanged) await writeTenantVariables(doc, ctx, tenantId);
}

/**
 * The tenant payload of `tenant` (the document, or its settings with cleared fields), and, when
 * `variables`, the check of the document's variables against the destination's variables as
 * they will be once the tenant is saved.
 */
function checkedTenantPayload(doc: KindDocument, tenant: KindDocument, ctx: WriteContext, variables: boolean, tenantId?: string): JsonObject {
  const before = ctx.ids.problems.length;
  const payload = tenantPayload(tenant, ctx.ids);
  if (variables && ctx.ids.problems.length === before) {
    const connections = isObject(payload.ProjectEnvironments) ? payload.ProjectEnvironments : {};
    tenantVariablesPayload(doc, ctx.ids, expectedVariables(ctx, connections, tenantId));
  }
  return payload;
}

/** GET the tenant's variables as the destination now lists them, then PUT the document's. */
async function writeTenantVariables(doc: KindDocument, ctx: WriteContext, tenantId: string): Promise<void> {
  const path = spacePath(ctx.spaceId, 'tenants', tenantId, 'variables');
  const current = await ctx.api.get<JsonObject>(path);
  const payload = resolved(ctx.ids, `tenant '${doc.name}' variables`, () => tenantVariablesPayload(doc, ctx.ids, current));
  await ctx.api.put(path, payload);
}

/**
 * The TenantVariableResource a tenant with these connections will have in the destination: an
 * entry per connected project (its templates, a value map per connected environment) and per
 * library variable set with templates that those projects include, with the values (and
 * secrets) the destination holds now for an existing tenant.
 */
function expectedVariables(ctx: WriteContext, connections: JsonObject, tenantId?: string): JsonObject {
  const stored = tenantId === undefined ? undefined : (ctx.live.tenantvariables ?? []).find((resource) => sameName(resource.TenantId, tenantId));
  const storedProjects = isObject(stored?.ProjectVariables) ? stored.ProjectVariables : {};
  const storedSets = isObject(stored?.LibraryVariables) ? stored.LibraryVariables : {};
  const storedValues = (entries: JsonObject, id: string): JsonObject => {
    const entry = entries[id];
    return isObject(entry) && isObject(entry.Variables) ? entry.Variables : {};
  };
  const projectVariables: JsonObject = {};
  const libraryVariables: JsonObject = {};
  for (const [projectId, environmentIds] of Object.entries(connections)) {
    const project = ctx.ids.table.resource('projects', projectId);
    if (!project) continue;
    const values = storedValues(storedProjects, projectId);
    projectVariables[projectId] = {
      ProjectId: projectId,
      ProjectName: project.Name ?? null,
      Templates: project.Templates ?? [],
      Variables: Object.fromEntries(asArray(environmentIds).map((id) => [String(id), values[String(id)] ?? {}])),
    };
    for (const setId of asArray(project.IncludedLibraryVariableSetIds).map(String)) {
      const set = ctx.ids.table.resource('libraryvariablesets', setId);
      if (!set || asArray(set.Templates).length === 0 || setId in libraryVariables) continue;
      libraryVariables[setId] = { LibraryVariableSetId: setId, LibraryVariableSetName: set.Name ?? null, Templates: set.Templates ?? [], Variables: storedValues(storedSets, setId) };
    }
  }
  return { ProjectVariables: projectVariables, LibraryVariables: libraryVariables };
}

function hasVariables(doc: KindDocument): boolean {
  return isObject(doc.body.Variables) && Object.keys(doc.body.Variables).length > 0;
}

/** The tenant resource's part of a document: everything but the variable values. */
function tenantPart(doc: KindDocument): KindDocument {
  return { ...doc, body: without(doc.body, ['Variables']) };
}

/** Equal once secrets are reduced to whether there is one (`{HasValue: true}`), as documents read them. */
function sameContent(a: Json, b: Json): boolean {
  return jsonEqual(canonicalize(secretMarkers(a)), canonicalize(secretMarkers(b)));
}

/** Whether a value holds a secret to set (`{NewValue: "..."}`), rather than only a marker. */
function suppliesSecret(value: Json): boolean {
  if (Array.isArray(value)) return value.some(suppliesSecret);
  if (!isObject(value)) return false;
  const object: JsonObject = value;
  if (isSecretValue(value)) return typeof value.NewValue === 'string';
  return Object.values(object).some(suppliesSecret);
}

function secretMarkers(value: Json): Json {
  if (Array.isArray(value)) return value.map(secretMarkers);
  if (!isObject(value)) return value;
  const object: JsonObject = value;
  if (isSecretValue(value)) return value.HasValue === true || typeof value.NewValue === 'string' ? { HasValue: true } : null;
  return Object.fromEntries(Object.entries(object).map(([key, child]) => [key, secretMarkers(child)]));
}

/** The environment id when the destination's tenant (in the resolver's table) is connected to the project there. */
function connectedEnvironment(doc: KindDocument, ids: IdResolver, projectId: string, environmentId: string): string | undefined {
  const tenantId = ids.table.idOf('tenants', doc.name);
  const tenant = tenantId === undefined ? undefined : ids.table.resource('tenants', tenantId);
  const connected = isObject(tenant?.ProjectEnvironments) ? tenant.ProjectEnvironments : {};
  const key = Object.keys(connected).find((id) => id.toLowerCase() === projectId.toLowerCase());
  return key === undefined ? undefined : asArray(connected[key]).map(String).find((id) => id.toLowerCase() === environmentId.toLowerCase());
}

/** Template name → value, to template Id → value as the server takes it. */
function idValues(values: Json | undefined, templates: Json | undefined, stored: JsonObject, ids: IdResolver, where: string): JsonObject {
  const result: JsonObject = {};
  for (const [name, value] of Object.entries(isObject(values) ? values : {})) {
    const template = templateByName(templates, name);
    if (!template || typeof template.Id !== 'string') {
      ids.problems.push({ where: `${where}.${name}`, message: `refers to template '${name}', which does not exist in the destination` });
      continue;
    }
    if (!isSecretValue(value)) {
      result[template.Id] = controlValueToPayload(controlTypeOf(template.DisplaySettings), value, ids, `${where}.${name}`);
      continue;
    }
    if (typeof value.NewValue === 'string') {
      result[template.Id] = { HasValue: true, NewValue: value.NewValue };
    } else if (isSecretValue(propertyValue(stored[template.Id]))) {
      // Keep the destination's secret: a SensitiveValue without NewValue leaves it as it is.
      result[template.Id] = { HasValue: true, NewValue: null };
    } else {
      ids.problems.push({ where: `${where}.${name}`, message: 'is a secret the destination does not hold; supply it through the destination overlay' });
    }
  }
  return result;
}

/**
 * The names a tenant document refers to (for the repository's reference checks); with `context`,
 * also those its values name, as the control types of the templates of its projects and library
 * variable sets say.
 */
export function tenantReferences(doc: KindDocument, context?: ReferenceContext): DocumentReference[] {
  const body = doc.body;
  const refs: DocumentReference[] = [];
  asArray(body.TenantTags).forEach((tag, index) => refs.push({ pointer: pointer('TenantTags', index), kind: 'tag-sets', name: String(tag) }));
  for (const [project, environments] of Object.entries(isObject(body.ProjectEnvironments) ? body.ProjectEnvironments : {})) {
    refs.push({ pointer: pointer('ProjectEnvironments', project), kind: 'projects', name: project });
    asArray(environments).forEach((environment, index) => refs.push({ pointer: pointer('ProjectEnvironments', project, index), kind: 'environments', name: String(environment) }));
  }
  const variables = isObject(body.Variables) ? body.Variables : {};
  for (const [project, environments] of Object.entries(isObject(variables.Projects) ? variables.Projects : {})) {
    refs.push({ pointer: pointer('Variables', 'Projects', project), kind: 'projects', name: project });
    for (const environment of Object.keys(isObject(environments) ? environments : {})) {
      refs.push({ pointer: pointer('Variables', 'Projects', project, environment), kind: 'environments', name: environment });
    }
  }
  for (const set of Object.keys(isObject(variables.LibraryVariableSets) ? variables.LibraryVariableSets : {})) {
    refs.push({ pointer: pointer('Variables', 'LibraryVariableSets', set), kind: 'library-variable-sets', name: set });
  }
  return [...refs, ...tenantValueReferences(doc, context)];
}

/**
 * The names the tenant's values refer to, as the control types of the templates of its projects
 * and library variable sets (found through `context`) say: accounts, certificates, worker pools.
 */
export function tenantValueReferences(doc: KindDocument, context?: ReferenceContext): DocumentReference[] {
  const variables = isObject(doc.body.Variables) ? doc.body.Variables : {};
  const refs: DocumentReference[] = [];
  const valueReferences = (values: Json | undefined, templates: Json | undefined, ...at: string[]) => {
    const types = controlTypesByName(templates);
    for (const [template, value] of Object.entries(isObject(values) ? values : {})) refs.push(...controlValueReferences(types.get(template.toLowerCase()), value, pointer(...at, template)));
  };
  for (const [project, environments] of Object.entries(isObject(variables.Projects) ? variables.Projects : {})) {
    const templates = context?.document('projects', project)?.body.Templates;
    for (const [environment, values] of Object.entries(isObject(environments) ? environments : {})) valueReferences(values, templates, 'Variables', 'Projects', project, environment);
  }
  for (const [set, values] of Object.entries(isObject(variables.LibraryVariableSets) ? variables.LibraryVariableSets : {})) {
    valueReferences(values, context?.document('library-variable-sets', set)?.body.Templates, 'Variables', 'LibraryVariableSets', set);
  }
  return refs;
}

function valueByName(values: JsonObject, name: string): Json | undefined {
  const key = Object.keys(values).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : values[key];
}

/** A JSON pointer to a value of a document body. */
function pointer(...segments: (string | number)[]): string {
  return segments.map((segment) => `/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}
