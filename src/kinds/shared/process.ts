// Steps and actions as deployment processes and runbook processes share them, and the property
// bags step templates share with actions. One normalization for all three, so a step reads the
// same in `deployment-process.yaml`, in a runbook, and in the step template it came from.
//
// Identity: a step is its Name within its process, an action its Name within its process (the
// server requires both unique, case-insensitively). Their GUIDs are per instance and dropped; a
// payload built with the destination's existing process puts the destination's GUIDs back, which
// is what keeps sensitive property values there (the server keeps a secret only for the same Id).
import { compareNames } from '../../core/canonical.js';
import type { Json, JsonObject } from '../../core/document.js';
import type { IdResolver, NameResolver } from '../../core/refs.js';
import { KIND_OF_COLLECTION } from '../collections.js';
import { asArray, isObject, without } from '../fields.js';
import type { DocumentReference, WriteContext } from '../types.js';
import { spacePath } from '../../octopus/index.js';

/** An action or step property whose value is an id (or comma-separated ids) of another resource. */
export interface PropertyRef {
  /** The property key. The document keeps the key and holds the name(s) as its value. */
  key: string;
  /** API collection of the referenced resources. */
  collection: string;
  /** Whether the value is a comma-separated list of ids. */
  csv?: boolean;
}

export const TEMPLATE_ID_PROPERTY = 'Octopus.Action.Template.Id';
export const TEMPLATE_VERSION_PROPERTY = 'Octopus.Action.Template.Version';

/**
 * Properties known to hold ids. The first eight are the properties Octopus itself maps between
 * ids and names when it writes a process to Git (its `SpecialVariableSchema`, described in
 * OctopusDeploy/Architecture `NamesOrIds.md`); the template id comes from the action templates
 * API; the Argo CD ones from the 2026 step catalog ("comma-separated list of environment IDs").
 * Account *variables* (`Octopus.Action.AwsAccount.Variable`, `...AzureAccount.Variable`,
 * `...GoogleCloudAccount.Variable`) hold variable names and are kept as they are.
 */
export const PROPERTY_REFS: readonly PropertyRef[] = [
  { key: TEMPLATE_ID_PROPERTY, collection: 'actiontemplates' },
  { key: 'Octopus.Action.Package.FeedId', collection: 'feeds' },
  { key: 'Octopus.Action.Package.NuGetFeedId', collection: 'feeds' },
  { key: 'Octopus.Action.Azure.AccountId', collection: 'accounts' },
  { key: 'Octopus.Action.DeployRelease.ProjectId', collection: 'projects' },
  { key: 'Octopus.Action.Manual.ResponsibleTeamIds', collection: 'teams', csv: true },
  { key: 'Octopus.Action.Email.ToTeamIds', collection: 'teams', csv: true },
  { key: 'Octopus.Action.Email.CCTeamIds', collection: 'teams', csv: true },
  { key: 'Octopus.Action.Email.BccTeamIds', collection: 'teams', csv: true },
  { key: 'Octopus.Action.ArgoCD.Sync.Environments', collection: 'environments', csv: true },
  { key: 'Octopus.Action.ArgoCD.PullRequest.Environments', collection: 'environments', csv: true },
];

/** Collections a process reads for the names it writes in place of ids (besides its owner's). */
export const PROCESS_READS = ['environments', 'workerpools', 'feeds', 'actiontemplates', 'channels', 'teams', 'accounts', 'projects'] as const;

/** Collections property bags read (step templates: no channels, no templates of templates). */
export const PROPERTY_READS = ['feeds', 'accounts', 'projects', 'teams', 'environments'] as const;

/**
 * Built-in feeds every space has. Their names are fixed, so a reference to one resolves even when
 * the feed list was not read (or predates the feed in an old export).
 */
const BUILT_IN_FEEDS: Record<string, string> = {
  'feeds-builtin': 'Octopus Server (built-in)',
  'feeds-builtin-releases': 'Octopus Server Releases (built-in)',
};

/** Step and action fields only a server sets. `Slug` (2024+) derives from the Name. */
const ITEM_SERVER_FIELDS = ['Id', 'Slug', 'Links', 'LastModifiedOn', 'LastModifiedBy'];

/** Action list fields that are always present on the wire and omitted from documents when empty. */
const ACTION_LISTS = ['Environments', 'ExcludedEnvironments', 'Channels', 'TenantTags', 'Packages'] as const;

/** Where a process lives, for problems and for channel names (channels are unique per project). */
export interface ProcessContext {
  /** How problems name the process: `deployment process 'Web Shop'`. */
  where: string;
  /** The destination project's id, when it exists (channels are resolved within it). */
  projectId?: string;
}

// ---------------------------------------------------------------------------------------------
// API → document

/** A process's steps as a document shows them: no GUIDs, names for ids, empty lists omitted. */
export function stepsToDocument(steps: Json | undefined, names: NameResolver, where: string): JsonObject[] {
  return asArray(steps)
    .filter(isObject)
    .map((step) => {
      const stepWhere = `${where}, step '${String(step.Name)}'`;
      const body = without(step, [...ITEM_SERVER_FIELDS, 'Properties', 'Actions']);
      setUnlessEmpty(body, 'Properties', propertiesToDocument(step.Properties, names, stepWhere));
      body.Actions = asArray(step.Actions)
        .filter(isObject)
        .map((action) => actionToDocument(action, names, `${stepWhere}, action '${String(action.Name)}'`));
      return body;
    });
}

function actionToDocument(action: JsonObject, names: NameResolver, where: string): JsonObject {
  const body = without(action, [...ITEM_SERVER_FIELDS, 'WorkerPoolId', 'Container', ...ACTION_LISTS, 'Properties']);
  body.WorkerPool = optionalName(names, 'workerpools', action.WorkerPoolId, `${where}, WorkerPoolId`);
  const container = containerToDocument(action.Container, names, `${where}, Container.FeedId`);
  if (container) body.Container = container;
  setUnlessEmpty(body, 'Environments', namesOf(names, 'environments', action.Environments, `${where}, Environments`).sort(compareNames));
  setUnlessEmpty(body, 'ExcludedEnvironments', namesOf(names, 'environments', action.ExcludedEnvironments, `${where}, ExcludedEnvironments`).sort(compareNames));
  setUnlessEmpty(body, 'Channels', namesOf(names, 'channels', action.Channels, `${where}, Channels`).sort(compareNames));
  setUnlessEmpty(body, 'TenantTags', asArray(action.TenantTags).map(String).sort(compareNames));
  setUnlessEmpty(body, 'Packages', packagesToDocument(action.Packages, names, where));
  setUnlessEmpty(body, 'Properties', propertiesToDocument(action.Properties, names, where));
  for (const [index, dependency] of asArray(action.GitDependencies).entries()) {
    // Git credentials are a library resource octosync does not read yet: say so rather than
    // carry an id silently.
    if (isObject(dependency) && typeof dependency.GitCredentialId === 'string' && dependency.GitCredentialId !== '') {
      names.problems.push({
        where: `${where}, GitDependencies[${index}].GitCredentialId`,
        message: `refers to git credential '${dependency.GitCredentialId}'; git credentials are not synced, so this id will not resolve in another instance`,
      });
    }
  }
  return body;
}

function containerToDocument(container: Json | undefined, names: NameResolver, where: string): JsonObject | undefined {
  if (!isObject(container)) return undefined;
  const body = without(container, ['FeedId']);
  body.Feed = optionalName(names, 'feeds', container.FeedId, where);
  // `{FeedId: null, Image: null}` is what every action without a container says: leave it out.
  return Object.values(body).some((value) => value !== null && value !== undefined && value !== '') ? body : undefined;
}

/** Package references: `FeedId` → `Feed` (name), the reference's GUID dropped. Order kept. */
export function packagesToDocument(packages: Json | undefined, names: NameResolver, where: string): JsonObject[] {
  return asArray(packages)
    .filter(isObject)
    .map((pkg) => {
      const body = without(pkg, ['Id', 'FeedId']);
      body.Feed = optionalName(names, 'feeds', pkg.FeedId, `${where}, ${packageLabel(pkg)}, FeedId`);
      return body;
    });
}

/**
 * A property bag as a document shows it: strings kept (scripts stay multi-line strings),
 * sensitive values as `{HasValue}` only, id-valued properties (PROPERTY_REFS) holding names under
 * the same key, and `Octopus.Action.Template.Version` dropped (it counts saves per instance).
 */
export function propertiesToDocument(properties: Json | undefined, names: NameResolver, where: string): JsonObject {
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(isObject(properties) ? properties : {})) {
    if (key === TEMPLATE_VERSION_PROPERTY) continue;
    if (isObject(value)) {
      result[key] = propertyObjectToDocument(value);
      continue;
    }
    const ref = PROPERTY_REFS.find((candidate) => candidate.key === key);
    result[key] = ref && typeof value === 'string' ? refValueToNames(ref, value, names, `${where}, Properties['${key}']`) : value;
  }
  return result;
}

/**
 * Property values are strings or `SensitiveValue`s on the wire; the swagger's
 * `PropertyValueResource {IsSensitive, Value, SensitiveValue}` shape is accepted too.
 */
function propertyObjectToDocument(value: JsonObject): Json {
  if ('IsSensitive' in value && value.IsSensitive !== true) return value.Value ?? null;
  const sensitive = 'IsSensitive' in value && isObject(value.SensitiveValue) ? value.SensitiveValue : value;
  return { HasValue: sensitive.HasValue === true };
}

function refValueToNames(ref: PropertyRef, value: string, names: NameResolver, where: string): string {
  if (!ref.csv) return isExpression(value) || value === '' ? value : refName(names, ref.collection, value, where);
  return splitCsv(value)
    .map((id) => {
      if (isExpression(id)) return id;
      const name = refName(names, ref.collection, id, where);
      if (name.includes(',')) names.problems.push({ where, message: `the name '${name}' contains a comma and cannot be written in this comma-separated property` });
      return name;
    })
    .join(',');
}

// ---------------------------------------------------------------------------------------------
// document → API

/**
 * The API body for a process PUT. With the destination's `existing` process, steps and actions
 * matched by Name keep their Ids and Slugs (so sensitive properties keep their secrets and
 * variable scopes keep pointing at them), and the process keeps its Id, Version and the other
 * fields the server manages. Without it the body carries only Steps: new GUIDs are made by the
 * server, and a sensitive property sent as `{HasValue: true}` has nothing to keep.
 */
export function processPayload(steps: Json | undefined, ids: IdResolver, context: ProcessContext, existing?: JsonObject): JsonObject {
  const existingSteps = asArray(existing?.Steps).filter(isObject);
  const stepsByName = byName(existingSteps);
  // Action names are unique within a whole process: an action moved to another step keeps its Id.
  const actionsByName = byName(existingSteps.flatMap((step) => asArray(step.Actions).filter(isObject)));
  const payloadSteps = asArray(steps)
    .filter(isObject)
    .map((step) => {
      const where = `${context.where}, step '${String(step.Name)}'`;
      const payload = without(step, ['Properties', 'Actions']);
      keepIdentity(payload, stepsByName.get(lower(step.Name)));
      payload.Properties = propertiesToPayload(step.Properties, ids, where);
      payload.Actions = asArray(step.Actions)
        .filter(isObject)
        .map((action) => actionToPayload(action, ids, `${where}, action '${String(action.Name)}'`, context, actionsByName.get(lower(action.Name))));
      return payload;
    });
  if (!existing) return { Steps: payloadSteps };
  return { ...without(existing, ['Links', 'LastModifiedOn', 'LastModifiedBy', 'Steps']), Steps: payloadSteps };
}

function actionToPayload(action: JsonObject, ids: IdResolver, where: string, context: ProcessContext, existing: JsonObject | undefined): JsonObject {
  const payload = without(action, ['WorkerPool', 'Container', ...ACTION_LISTS, 'Properties']);
  keepIdentity(payload, existing);
  payload.WorkerPoolId = optionalId(ids, 'workerpools', action.WorkerPool, `${where}, WorkerPool`);
  const container = isObject(action.Container) ? action.Container : {};
  payload.Container = { Image: null, ...without(container, ['Feed']), FeedId: optionalId(ids, 'feeds', container.Feed, `${where}, Container.Feed`) };
  payload.Environments = idsOf(ids, 'environments', action.Environments, `${where}, Environments`);
  payload.ExcludedEnvironments = idsOf(ids, 'environments', action.ExcludedEnvironments, `${where}, ExcludedEnvironments`);
  payload.Channels = idsOf(ids, 'channels', action.Channels, `${where}, Channels`, context.projectId ?? '');
  payload.TenantTags = asArray(action.TenantTags);
  payload.Packages = packagesToPayload(action.Packages, ids, where, existing?.Packages);
  payload.Properties = propertiesToPayload(action.Properties, ids, where);
  return payload;
}

/** Package references with feed ids; with the existing action's packages, their Ids by Name. */
export function packagesToPayload(packages: Json | undefined, ids: IdResolver, where: string, existing?: Json): JsonObject[] {
  const existingByName = new Map(
    asArray(existing)
      .filter(isObject)
      .map((pkg) => [lower(pkg.Name ?? ''), pkg] as const),
  );
  return asArray(packages)
    .filter(isObject)
    .map((pkg) => {
      const payload = without(pkg, ['Feed']);
      const before = existingByName.get(lower(pkg.Name ?? ''));
      if (typeof before?.Id === 'string') payload.Id = before.Id;
      payload.FeedId = optionalId(ids, 'feeds', pkg.Feed, `${where}, ${packageLabel(pkg)}, Feed`);
      return payload;
    });
}

/**
 * A property bag for the API: names back to the destination's ids, sensitive markers as
 * `SensitiveValue`s that keep what the server has (or set what an overlay supplied as
 * `NewValue`), and `Octopus.Action.Template.Version` set to the destination template's current
 * Version: the action's properties are the template's as of the source, and the version number
 * only means something in the instance that counted it.
 */
export function propertiesToPayload(properties: Json | undefined, ids: IdResolver, where: string): JsonObject {
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(isObject(properties) ? properties : {})) {
    if (key === TEMPLATE_VERSION_PROPERTY) continue;
    if (isObject(value)) {
      result[key] = sensitivePayload(value);
      continue;
    }
    const ref = PROPERTY_REFS.find((candidate) => candidate.key === key);
    result[key] = ref && typeof value === 'string' ? refValueToIds(ref, value, ids, `${where}, Properties['${key}']`) : value;
  }
  const templateId = result[TEMPLATE_ID_PROPERTY];
  if (typeof templateId === 'string' && templateId !== '' && !isExpression(templateId)) {
    const version = ids.table.resource('actiontemplates', templateId)?.Version;
    if (typeof version === 'number' || typeof version === 'string') result[TEMPLATE_VERSION_PROPERTY] = String(version);
  }
  return result;
}

/** A document's `{HasValue}` marker (or an overlay's `{NewValue}`) as an Octopus `SensitiveValue`. */
export function sensitivePayload(value: JsonObject): JsonObject {
  if (typeof value.NewValue === 'string') return { HasValue: true, NewValue: value.NewValue };
  return { HasValue: value.HasValue !== false, NewValue: null };
}

function refValueToIds(ref: PropertyRef, value: string, ids: IdResolver, where: string): string {
  if (!ref.csv) return isExpression(value) || value === '' ? value : refId(ids, ref.collection, value, where);
  return splitCsv(value)
    .map((name) => (isExpression(name) ? name : refId(ids, ref.collection, name, where)))
    .join(',');
}

// ---------------------------------------------------------------------------------------------
// Writing

/**
 * The destination's process `id` of `collection` (`deploymentprocesses`, `runbookProcesses`) as
 * last read, or read now when it is not there: a process created with its owner earlier in the
 * same apply is only in `ctx.live` if the owner's kind re-read the process collection. Its
 * `Version` must be the stored one, and its step and action Ids keep the secrets.
 */
export async function currentProcess(ctx: WriteContext, collection: string, id: string): Promise<JsonObject> {
  const wanted = id.toLowerCase();
  const known = (ctx.live[collection] ?? []).find((process) => String(process.Id).toLowerCase() === wanted);
  return known ?? (await ctx.api.get<JsonObject>(spacePath(ctx.spaceId, collection, id)));
}

// ---------------------------------------------------------------------------------------------
// References (for validate): every name a process document refers to, with its JSON pointer.

/** Names the steps under `pointer` refer to; channels are looked up within `project`. */
export function stepReferences(steps: Json | undefined, pointer: string, project: string): DocumentReference[] {
  return asArray(steps)
    .filter(isObject)
    .flatMap((step, i) => {
      const stepPointer = `${pointer}/${i}`;
      return [
        ...propertyReferences(step.Properties, `${stepPointer}/Properties`),
        ...asArray(step.Actions)
          .filter(isObject)
          .flatMap((action, j) => actionReferences(action, `${stepPointer}/Actions/${j}`, project)),
      ];
    });
}

function actionReferences(action: JsonObject, pointer: string, project: string): DocumentReference[] {
  const container = isObject(action.Container) ? action.Container : {};
  const list = (field: string, collection: string, owner?: string) =>
    asArray(action[field]).flatMap((name, index) => reference(collection, name, `${pointer}/${field}/${index}`, owner));
  return [
    ...reference('workerpools', action.WorkerPool, `${pointer}/WorkerPool`),
    ...reference('feeds', container.Feed, `${pointer}/Container/Feed`),
    ...list('Environments', 'environments'),
    ...list('ExcludedEnvironments', 'environments'),
    ...list('Channels', 'channels', project),
    ...packageReferences(action.Packages, `${pointer}/Packages`),
    ...propertyReferences(action.Properties, `${pointer}/Properties`),
  ];
}

export function packageReferences(packages: Json | undefined, pointer: string): DocumentReference[] {
  return asArray(packages)
    .filter(isObject)
    .flatMap((pkg, index) => reference('feeds', pkg.Feed, `${pointer}/${index}/Feed`));
}

export function propertyReferences(properties: Json | undefined, pointer: string): DocumentReference[] {
  return Object.entries(isObject(properties) ? properties : {}).flatMap(([key, value]) => {
    const ref = PROPERTY_REFS.find((candidate) => candidate.key === key);
    if (!ref || typeof value !== 'string') return [];
    const at = `${pointer}/${escapePointer(key)}`;
    return (ref.csv ? splitCsv(value) : [value]).flatMap((name) => reference(ref.collection, name, at));
  });
}

function reference(collection: string, name: Json | undefined, pointer: string, project?: string): DocumentReference[] {
  const kind = KIND_OF_COLLECTION[collection];
  if (!kind || typeof name !== 'string' || name === '' || isExpression(name)) return [];
  // Built-in feeds are in every space and are not documents of the feeds kind.
  if (collection === 'feeds' && Object.values(BUILT_IN_FEEDS).some((builtIn) => builtIn.toLowerCase() === name.toLowerCase())) return [];
  return [{ pointer, kind, name, ...(project === undefined ? {} : { project }) }];
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

// ---------------------------------------------------------------------------------------------
// Helpers

function keepIdentity(payload: JsonObject, existing: JsonObject | undefined): void {
  if (!existing) return;
  if (typeof existing.Id === 'string') payload.Id = existing.Id;
  if (typeof existing.Slug === 'string') payload.Slug = existing.Slug;
}

function byName(items: JsonObject[]): Map<string, JsonObject> {
  const map = new Map<string, JsonObject>();
  for (const item of items) if (!map.has(lower(item.Name))) map.set(lower(item.Name), item);
  return map;
}

function lower(value: Json | undefined): string {
  return String(value ?? '').toLowerCase();
}

/** `#{Variable}` expressions are resolved at deployment time, not by name: kept verbatim. */
function isExpression(value: string): boolean {
  return value.includes('#{');
}

function splitCsv(value: string): string[] {
  return value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

function packageLabel(pkg: JsonObject): string {
  return pkg.Name === '' || pkg.Name === null || pkg.Name === undefined ? 'primary package' : `package '${String(pkg.Name)}'`;
}

function setUnlessEmpty(body: JsonObject, key: string, value: Json[] | JsonObject): void {
  if (Array.isArray(value) ? value.length > 0 : Object.keys(value).length > 0) body[key] = value;
}

function refName(names: NameResolver, collection: string, id: string, where: string): string {
  if (collection === 'feeds' && names.table.nameOf('feeds', id) === undefined) {
    const builtIn = BUILT_IN_FEEDS[id.toLowerCase()];
    if (builtIn !== undefined) return builtIn;
  }
  return names.name(collection, id, where);
}

function refId(ids: IdResolver, collection: string, name: string, where: string, ownerId?: string): string {
  if (collection === 'feeds' && ids.table.idOf('feeds', name) === undefined) {
    const builtIn = Object.entries(BUILT_IN_FEEDS).find(([, builtInName]) => builtInName.toLowerCase() === name.toLowerCase());
    if (builtIn) return builtIn[0];
  }
  return ids.id(collection, name, where, ownerId);
}

function optionalName(names: NameResolver, collection: string, id: Json | undefined, where: string): string | null {
  if (id === null || id === undefined || id === '') return null;
  if (typeof id !== 'string') return names.name(collection, id, where);
  return isExpression(id) ? id : refName(names, collection, id, where);
}

function optionalId(ids: IdResolver, collection: string, name: Json | undefined, where: string): string | null {
  if (name === null || name === undefined || name === '') return null;
  if (typeof name !== 'string') return ids.id(collection, name, where);
  return isExpression(name) ? name : refId(ids, collection, name, where);
}

function namesOf(names: NameResolver, collection: string, list: Json | undefined, where: string): string[] {
  return asArray(list).map((id) => (typeof id === 'string' && isExpression(id) ? id : names.name(collection, id, where)));
}

function idsOf(ids: IdResolver, collection: string, list: Json | undefined, where: string, ownerId?: string): string[] {
  return asArray(list).map((name) => (typeof name === 'string' && isExpression(name) ? name : ids.id(collection, name, where, ownerId)));
}
