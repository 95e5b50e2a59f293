// Tenants: `tenants/<slug>.yaml`, with their project/environment connections and the values
// they give to tenant variable templates, all by name. On the wire these are the tenant
// (`/tenants/{id}`) and its variables: through the scoped API (`/tenants/{id}/commonvariables`
// and `/projectvariables`) on a server that has it, else the legacy TenantVariableResource
// (`/tenants/{id}/variables`, read space-wide from `/tenantvariables/all`). See variables.ts.
import { canonicalize, compareNames, jsonEqual } from '../../core/canonical.js';
import type { Json, JsonObject, KindDocument, LiveSpace } from '../../core/document.js';
import type { IdResolver, NameResolver } from '../../core/refs.js';
import { uniqueSlugs } from '../../core/slug.js';
import { spacePath } from '../../octopus/index.js';
import { SERVER_FIELDS, asArray, isObject, without } from '../fields.js';
import { isSecretValue, sameName } from '../projects/templates.js';
import { capabilitiesOf } from '../capabilities.js';
import { entriesOf, legacyVariablesPayload, scopedVariablesPayloads, variablesFromServer } from './variables.js';
import { controlTypesByName, controlValueReferences } from '../shared/control-type-values.js';
import type { DocumentReference, Kind, ReferenceContext, WriteContext } from '../types.js';
import { liveResource, resolved, withClearedFields } from '../writing.js';
import { destinationContext, unresolvedNow, withoutPointers } from '../shared/deferral.js';
import { omitNewerDefaults } from '../newer-fields.js';
import { jsonPointer } from '../../core/names.js';

export const tenants: Kind = {
  name: 'tenants',
  title: 'tenant',
  dependsOn: ['projects', 'environments', 'tag-sets', 'library-variable-sets'],
  // Tenant variables through the API the server offers (the feature toggles say which).
  reads: ['tenants', 'tenantvariables', 'featuretoggles', 'projects', 'environments', 'libraryvariablesets'],
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
    const values = variables ? variablesFromServer(variables, live, names, where) : {};
    if (Object.keys(values).length > 0) body.Variables = values;
    return { kind: 'tenants', name, file: `tenants/${slugs.get(name)}.yaml`, body: canonicalize(omitNewerDefaults('tenants', body)) };
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
 * The TenantVariableResource to PUT to `/tenants/{id}/variables` for a document (legacy API; see
 * variables.ts `legacyVariablesPayload`).
 */
export function tenantVariablesPayload(doc: KindDocument, ids: IdResolver, current: JsonObject): JsonObject {
  return legacyVariablesPayload(doc.name, doc.body.Variables, ids, current, (projectId, environmentId) => connectedEnvironment(doc, ids, projectId, environmentId));
}

/**
 * POST the tenant, then PUT its variables when the document gives any. Both payloads are
 * checked first (the variables against what the destination will list once the tenant is
 * saved), so an unresolved name or a missing secret fails before anything is written.
 */
async function createTenant(doc: KindDocument, ctx: WriteContext): Promise<void> {
  const payload = resolved(ctx.ids, `tenant '${doc.name}'`, () => checkedTenantPayload(doc, doc, ctx, hasVariables(doc)));
  const tenant = await ctx.api.post<JsonObject>(spacePath(ctx.spaceId, 'tenants'), payload);
  if (hasVariables(doc)) await writeTenantVariables(doc, undefined, ctx, String(tenant.Id));
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
  if (variablesChanged) await writeTenantVariables(doc, current, ctx, tenantId);
}

/**
 * The tenant payload of `tenant` (the document, or its settings with cleared fields), and, when
 * `variables`, the check of the document's variables against the destination's variables as
 * they will be once the tenant is saved, through the API the destination offers.
 */
function checkedTenantPayload(doc: KindDocument, tenant: KindDocument, ctx: WriteContext, variables: boolean, tenantId?: string): JsonObject {
  const before = ctx.ids.problems.length;
  const payload = tenantPayload(tenant, ctx.ids);
  if (variables && ctx.ids.problems.length === before) {
    const connections = isObject(payload.ProjectEnvironments) ? payload.ProjectEnvironments : {};
    if (capabilitiesOf(ctx.live).tenantVariableScoping) {
      const stored = tenantId === undefined ? undefined : storedVariables(ctx, tenantId);
      const scoped = isObject(stored?.Scoped) ? stored.Scoped : {};
      const response = (value: Json | undefined): JsonObject => (isObject(value) ? value : { Variables: [] });
      scopedVariablesPayloads(doc.name, tenantId ?? '', ctx.spaceId, doc.body.Variables, ctx.ids, { common: response(scoped.Common), project: response(scoped.Project) }, connections);
    } else {
      tenantVariablesPayload(doc, ctx.ids, expectedVariables(ctx, connections, tenantId));
    }
  }
  return payload;
}

/**
 * Writes the tenant's variables through the API the destination offers. Scoped: GET both kinds
 * as the destination now has them and PUT each kind whose values changed (all values of a kind
 * go in one request). Legacy: GET the TenantVariableResource and PUT it back with the values.
 */
async function writeTenantVariables(doc: KindDocument, current: KindDocument | undefined, ctx: WriteContext, tenantId: string): Promise<void> {
  const what = `tenant '${doc.name}' variables`;
  if (!capabilitiesOf(ctx.live).tenantVariableScoping) {
    const path = spacePath(ctx.spaceId, 'tenants', tenantId, 'variables');
    const legacy = await ctx.api.get<JsonObject>(path);
    const payload = resolved(ctx.ids, what, () => tenantVariablesPayload(doc, ctx.ids, legacy));
    await ctx.api.put(path, payload);
    return;
  }
  const paths = { common: spacePath(ctx.spaceId, 'tenants', tenantId, 'commonvariables'), project: spacePath(ctx.spaceId, 'tenants', tenantId, 'projectvariables') };
  const read = async () => {
    const [common, project] = await Promise.all([ctx.api.get<JsonObject>(paths.common), ctx.api.get<JsonObject>(paths.project)]);
    return resolved(ctx.ids, what, () => scopedVariablesPayloads(doc.name, tenantId, ctx.spaceId, doc.body.Variables, ctx.ids, { common, project }));
  };
  const part = (body: KindDocument | undefined, key: 'Projects' | 'LibraryVariableSets'): Json => (isObject(body?.body.Variables) ? (body.body.Variables[key] ?? null) : null);
  const changed = (key: 'Projects' | 'LibraryVariableSets') =>
    (current === undefined || !sameContent(part(doc, key), part(current, key)) || suppliesSecret(part(doc, key))) && (current !== undefined || part(doc, key) !== null);
  const [writeCommon, writeProject] = [changed('LibraryVariableSets'), changed('Projects')];
  let payloads = await read();
  if (writeCommon) await ctx.api.put(paths.common, payloads.common);
  // The tenant's concurrency token may cover both kinds (a write of one makes the other's stale):
  // read again before the second write.
  if (writeCommon && writeProject) payloads = await read();
  if (writeProject) await ctx.api.put(paths.project, payloads.project);
}

/** What the destination's live state holds of a tenant's variables (either API's form). */
function storedVariables(ctx: WriteContext, tenantId: string): JsonObject | undefined {
  return (ctx.live.tenantvariables ?? []).find((resource) => sameName(resource.TenantId, tenantId));
}

/**
 * The TenantVariableResource a tenant with these connections will have in the destination: an
 * entry per connected project (its templates, a value map per connected environment) and per
 * library variable set with templates that those projects include, with the values (and
 * secrets) the destination holds now for an existing tenant.
 */
function expectedVariables(ctx: WriteContext, connections: JsonObject, tenantId?: string): JsonObject {
  const stored = tenantId === undefined ? undefined : storedVariables(ctx, tenantId);
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

/**
 * The names a tenant document refers to (for the repository's reference checks); with `context`,
 * also those its values name, as the control types of the templates of its projects and library
 * variable sets say.
 */
export function tenantReferences(doc: KindDocument, context?: ReferenceContext): DocumentReference[] {
  const body = doc.body;
  const refs: DocumentReference[] = [];
  asArray(body.TenantTags).forEach((tag, index) => refs.push({ pointer: jsonPointer('TenantTags', index), kind: 'tag-sets', name: String(tag) }));
  for (const [project, environments] of Object.entries(isObject(body.ProjectEnvironments) ? body.ProjectEnvironments : {})) {
    refs.push({ pointer: jsonPointer('ProjectEnvironments', project), kind: 'projects', name: project });
    asArray(environments).forEach((environment, index) => refs.push({ pointer: jsonPointer('ProjectEnvironments', project, index), kind: 'environments', name: String(environment) }));
  }
  const variables = isObject(body.Variables) ? body.Variables : {};
  for (const [owners, kind] of [['Projects', 'projects'], ['LibraryVariableSets', 'library-variable-sets']] as const) {
    for (const [owner, templates] of Object.entries(isObject(variables[owners]) ? variables[owners] : {})) {
      refs.push({ pointer: jsonPointer('Variables', owners, owner), kind, name: owner });
      for (const [template, value] of Object.entries(isObject(templates) ? templates : {})) {
        if (!Array.isArray(value)) continue;
        entriesOf(value).forEach((entry, index) =>
          (entry.Environments ?? []).forEach((environment, at) => refs.push({ pointer: jsonPointer('Variables', owners, owner, template, index, 'Environments', at), kind: 'environments', name: environment })),
        );
      }
    }
  }
  return [...refs, ...tenantValueReferences(doc, context)];
}

/**
 * The names the tenant's values refer to, as the control types of the templates of its projects
 * and library variable sets (found through `context`) say: accounts, certificates, worker pools.
 * A value scoped to environments is pointed at as its whole entry (`…/<template>/<index>`), so a
 * value left out until the second pass (`defer`) leaves out its environments with it.
 */
export function tenantValueReferences(doc: KindDocument, context?: ReferenceContext): DocumentReference[] {
  const variables = isObject(doc.body.Variables) ? doc.body.Variables : {};
  const refs: DocumentReference[] = [];
  for (const [owners, kind] of [['Projects', 'projects'], ['LibraryVariableSets', 'library-variable-sets']] as const) {
    for (const [owner, templates] of Object.entries(isObject(variables[owners]) ? variables[owners] : {})) {
      const types = controlTypesByName(context?.document(kind, owner)?.body.Templates);
      for (const [template, value] of Object.entries(isObject(templates) ? templates : {})) {
        const type = types.get(template.toLowerCase());
        if (!Array.isArray(value)) refs.push(...controlValueReferences(type, value, jsonPointer('Variables', owners, owner, template)));
        else entriesOf(value).forEach((entry, index) => refs.push(...controlValueReferences(type, entry.Value, jsonPointer('Variables', owners, owner, template, index))));
      }
    }
  }
  return refs;
}
