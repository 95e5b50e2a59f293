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
import type { DocumentReference, ReferenceContext, WriteContext } from '../types.js';
import { spacePath } from '../../octopus/index.js';
import { RELEASES_FEED_ID } from './built-ins.js';
import { controlTypesByName, controlValueReferences, controlValueToDocument, controlValueToPayload } from './control-type-values.js';
import { idsToTokens, jsonIdsToTokens, jsonTokenReferences, jsonTokensToIds, mayHoldTokens, tokenReferences, tokensToIds } from './id-forms.js';
import { idOfName, isExpression, nameOfId, optionalId, optionalName, splitCsv } from './resolve.js';
import { escapeName } from '../../core/names.js';

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
/** PROPERTY_REFS by key (looked up for every property of every step). */
const PROPERTY_REF_BY_KEY = new Map(PROPERTY_REFS.map((ref) => [ref.key, ref]));

/**
 * Collections property bags read for the names they write in place of ids: those of known
 * properties, of template parameters' control types (certificates, worker pools, accounts), and
 * of ids found by their form (id-forms.ts). Git credentials are read only when a step uses one
 * (ON_DEMAND_READS).
 */
export const PROPERTY_READS = [
  'feeds', 'accounts', 'projects', 'teams', 'environments', 'certificates', 'workerpools', 'tenants', 'lifecycles',
  'projectgroups', 'libraryvariablesets', 'machinepolicies', 'machines', 'actiontemplates',
] as const;

/** Collections a process reads for the names it writes in place of ids (besides its owner's). */
export const PROCESS_READS = [...PROPERTY_READS, 'channels'] as const;

/** Step and action fields only a server sets. `Slug` (2024+) derives from the Name. */
const ITEM_SERVER_FIELDS = ['Id', 'Slug', 'Links', 'LastModifiedOn', 'LastModifiedBy'];

/** Action list fields that are always present on the wire and omitted from documents when empty. */
const ACTION_LISTS = ['Environments', 'ExcludedEnvironments', 'Channels', 'TenantTags', 'Packages'] as const;

/** What a step and an action document leave out of the API's step and action (or write in another form). */
const STEP_NOT_KEPT = [...ITEM_SERVER_FIELDS, 'Properties', 'Actions'];
const ACTION_NOT_KEPT = [...ITEM_SERVER_FIELDS, 'WorkerPoolId', 'Container', ...ACTION_LISTS, 'Properties', 'GitDependencies', 'Inputs'];

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
      const body = without(step, STEP_NOT_KEPT);
      setUnlessEmpty(body, 'Properties', propertiesToDocument(step.Properties, names, stepWhere));
      body.Actions = asArray(step.Actions)
        .filter(isObject)
        .map((action) => actionToDocument(action, names, `${stepWhere}, action '${String(action.Name)}'`));
      return body;
    });
}

function actionToDocument(action: JsonObject, names: NameResolver, where: string): JsonObject {
  const body = without(action, ACTION_NOT_KEPT);
  body.WorkerPool = optionalName(names, 'workerpools', action.WorkerPoolId, `${where}, WorkerPoolId`);
  const container = containerToDocument(action.Container, names, `${where}, Container.FeedId`);
  if (container) body.Container = container;
  setUnlessEmpty(body, 'Environments', namesOf(names, 'environments', action.Environments, `${where}, Environments`).sort(compareNames));
  setUnlessEmpty(body, 'ExcludedEnvironments', namesOf(names, 'environments', action.ExcludedEnvironments, `${where}, ExcludedEnvironments`).sort(compareNames));
  setUnlessEmpty(body, 'Channels', namesOf(names, 'channels', action.Channels, `${where}, Channels`).sort(compareNames));
  setUnlessEmpty(body, 'TenantTags', asArray(action.TenantTags).map(String).sort(compareNames));
  setUnlessEmpty(body, 'Packages', packagesToDocument(action.Packages, names, where));
  setUnlessEmpty(body, 'Properties', propertiesToDocument(action.Properties, names, where, sourceTemplateTypes(action, names)));
  if ('GitDependencies' in action) body.GitDependencies = gitDependenciesToDocument(action.GitDependencies, names, where);
  // Step-package inputs: JSON whose shape only the step package knows; ids are found by form.
  if ('Inputs' in action) body.Inputs = jsonIdsToTokens(action.Inputs ?? null, names, `${where}, Inputs`);
  return body;
}

/** Control types of the parameters of the source template an action uses (by parameter name). */
function sourceTemplateTypes(action: JsonObject, names: NameResolver): ReadonlyMap<string, string> {
  const id = isObject(action.Properties) ? action.Properties[TEMPLATE_ID_PROPERTY] : undefined;
  return controlTypesByName(typeof id === 'string' ? names.table.resource('actiontemplates', id)?.Parameters : undefined);
}

/** Control types of the parameters of the destination's template of this name. */
function destinationTemplateTypes(properties: Json | undefined, ids: IdResolver): ReadonlyMap<string, string> {
  const name = isObject(properties) ? properties[TEMPLATE_ID_PROPERTY] : undefined;
  const id = typeof name === 'string' ? ids.table.idOf('actiontemplates', name) : undefined;
  return controlTypesByName(id === undefined ? undefined : ids.table.resource('actiontemplates', id)?.Parameters);
}

/** Git repositories a step uses: the credential by name (`GitCredentialId` → `GitCredential`). */
function gitDependenciesToDocument(dependencies: Json | undefined, names: NameResolver, where: string): Json[] {
  return asArray(dependencies).map((dependency, index) => {
    if (!isObject(dependency)) return dependency;
    const body = without(dependency, ['GitCredentialId']);
    const credential = optionalName(names, 'gitcredentials', dependency.GitCredentialId, `${where}, GitDependencies[${index}].GitCredentialId`);
    if (credential !== null) body.GitCredential = credential;
    return body;
  });
}

function gitDependenciesToPayload(dependencies: Json | undefined, ids: IdResolver, where: string): Json[] {
  return asArray(dependencies).map((dependency, index) => {
    if (!isObject(dependency)) return dependency;
    const payload = without(dependency, ['GitCredential']);
    payload.GitCredentialId = optionalId(ids, 'gitcredentials', dependency.GitCredential, `${where}, GitDependencies[${index}].GitCredential`);
    return payload;
  });
}

function containerToDocument(container: Json | undefined, names: NameResolver, where: string): JsonObject | undefined {
  if (!isObject(container)) return undefined;
  const body = without(container, ['FeedId']);
  body.Feed = optionalName(names, 'feeds', container.FeedId, where);
  // `{FeedId: null, Image: null}` is what every action without a container says: leave it out.
  return Object.values(body).some((value) => value !== null && value !== undefined && value !== '') ? body : undefined;
}

/**
 * Package references: `FeedId` → `Feed` (name), the reference's GUID dropped, order kept. A
 * package from a releases feed (the built-in `Octopus Server Releases` feed of a "Deploy a
 * release" step) is a project's releases: its `PackageId` is that project's id, written as
 * `Project` (its name). Package properties are free-form: ids there are found by form.
 */
export function packagesToDocument(packages: Json | undefined, names: NameResolver, where: string): JsonObject[] {
  return asArray(packages)
    .filter(isObject)
    .map((pkg) => {
      const at = `${where}, ${packageLabel(pkg)}`;
      const body = without(pkg, ['Id', 'FeedId']);
      body.Feed = optionalName(names, 'feeds', pkg.FeedId, `${at}, FeedId`);
      if (isReleasesFeed(pkg.FeedId, names) && typeof pkg.PackageId === 'string' && pkg.PackageId !== '' && !isExpression(pkg.PackageId)) {
        delete body.PackageId;
        body.Project = nameOfId(names, 'projects', pkg.PackageId, `${at}, PackageId`);
      }
      if (isObject(pkg.Properties)) body.Properties = stringMap(pkg.Properties, (value, key) => idsToTokens(value, names, `${at}, Properties['${key}']`));
      return body;
    });
}

/** Whether a feed id is a releases feed: the built-in one, or a feed of type `OctopusProject`. */
function isReleasesFeed(feedId: Json | undefined, names: NameResolver): boolean {
  if (typeof feedId !== 'string') return false;
  return feedId.toLowerCase() === RELEASES_FEED_ID || names.table.resource('feeds', feedId)?.FeedType === 'OctopusProject';
}

/**
 * A property bag as a document shows it: strings kept (scripts stay multi-line strings),
 * sensitive values as `{HasValue}` only, `Octopus.Action.Template.Version` dropped (it counts
 * saves per instance), and ids written as names: under the same key for properties known to hold
 * ids (PROPERTY_REFS) and for values of the template parameters whose control type holds one
 * (`templateTypes`), and as reference tokens where they are found by their form elsewhere.
 */
export function propertiesToDocument(properties: Json | undefined, names: NameResolver, where: string, templateTypes: ReadonlyMap<string, string> = new Map()): JsonObject {
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(isObject(properties) ? properties : {})) {
    if (key === TEMPLATE_VERSION_PROPERTY) continue;
    if (isObject(value)) {
      result[key] = propertyObjectToDocument(value);
      continue;
    }
    const at = `${where}, Properties['${key}']`;
    const ref = PROPERTY_REF_BY_KEY.get(key);
    const type = templateTypes.get(key.toLowerCase());
    if (typeof value !== 'string') result[key] = value;
    else if (ref) result[key] = refValueToNames(ref, value, names, at);
    else if (type !== undefined) result[key] = controlValueToDocument(type, value, names, at);
    else result[key] = idsToTokens(value, names, at);
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
  if (!ref.csv) return isExpression(value) || value === '' ? value : nameOfId(names, ref.collection, value, where);
  return splitCsv(value)
    .map((id) => {
      if (isExpression(id)) return id;
      const name = nameOfId(names, ref.collection, id, where);
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
  const payload = without(action, ['WorkerPool', 'Container', ...ACTION_LISTS, 'Properties', 'GitDependencies', 'Inputs']);
  keepIdentity(payload, existing);
  payload.WorkerPoolId = optionalId(ids, 'workerpools', action.WorkerPool, `${where}, WorkerPool`);
  const container = isObject(action.Container) ? action.Container : {};
  payload.Container = { Image: null, ...without(container, ['Feed']), FeedId: optionalId(ids, 'feeds', container.Feed, `${where}, Container.Feed`) };
  payload.Environments = idsOf(ids, 'environments', action.Environments, `${where}, Environments`);
  payload.ExcludedEnvironments = idsOf(ids, 'environments', action.ExcludedEnvironments, `${where}, ExcludedEnvironments`);
  payload.Channels = idsOf(ids, 'channels', action.Channels, `${where}, Channels`, context.projectId ?? '');
  payload.TenantTags = asArray(action.TenantTags);
  payload.Packages = packagesToPayload(action.Packages, ids, where, existing?.Packages);
  payload.Properties = propertiesToPayload(action.Properties, ids, where, destinationTemplateTypes(action.Properties, ids));
  if ('GitDependencies' in action) payload.GitDependencies = gitDependenciesToPayload(action.GitDependencies, ids, where);
  if ('Inputs' in action) payload.Inputs = jsonTokensToIds(action.Inputs ?? null, ids, `${where}, Inputs`);
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
      const at = `${where}, ${packageLabel(pkg)}`;
      const payload = without(pkg, ['Feed', 'Project']);
      const before = existingByName.get(lower(pkg.Name ?? ''));
      if (typeof before?.Id === 'string') payload.Id = before.Id;
      payload.FeedId = optionalId(ids, 'feeds', pkg.Feed, `${at}, Feed`);
      if (typeof pkg.Project === 'string') payload.PackageId = idOfName(ids, 'projects', pkg.Project, `${at}, Project`);
      if (isObject(pkg.Properties)) payload.Properties = stringMap(pkg.Properties, (value, key) => tokensToIds(value, ids, `${at}, Properties['${key}']`));
      return payload;
    });
}

/**
 * A property bag for the API: names back to the destination's ids (known properties, values of
 * the template parameters of `templateTypes`, reference tokens), sensitive markers as
 * `SensitiveValue`s that keep what the server has (or set what an overlay supplied as
 * `NewValue`), and `Octopus.Action.Template.Version` set to the destination template's current
 * Version: the action's properties are the template's as of the source, and the version number
 * only means something in the instance that counted it.
 */
export function propertiesToPayload(properties: Json | undefined, ids: IdResolver, where: string, templateTypes: ReadonlyMap<string, string> = new Map()): JsonObject {
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(isObject(properties) ? properties : {})) {
    if (key === TEMPLATE_VERSION_PROPERTY) continue;
    if (isObject(value)) {
      result[key] = sensitivePayload(value);
      continue;
    }
    const at = `${where}, Properties['${key}']`;
    const ref = PROPERTY_REF_BY_KEY.get(key);
    const type = templateTypes.get(key.toLowerCase());
    if (typeof value !== 'string') result[key] = value;
    else if (ref) result[key] = refValueToIds(ref, value, ids, at);
    else if (type !== undefined) result[key] = controlValueToPayload(type, value, ids, at);
    else result[key] = tokensToIds(value, ids, at);
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
  if (!ref.csv) return isExpression(value) || value === '' ? value : idOfName(ids, ref.collection, value, where);
  return splitCsv(value)
    .map((name) => (isExpression(name) ? name : idOfName(ids, ref.collection, name, where)))
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
  const known = byId(ctx.live[collection] ?? []).get(id.toLowerCase());
  return known ?? (await ctx.api.get<JsonObject>(spacePath(ctx.spaceId, collection, id)));
}

/** Each list of processes indexed by id once (a search per write grew with the square of the processes). */
const indexes = new WeakMap<readonly JsonObject[], Map<string, JsonObject>>();
function byId(processes: readonly JsonObject[]): Map<string, JsonObject> {
  let index = indexes.get(processes);
  if (!index) {
    index = new Map(processes.map((process) => [String(process.Id).toLowerCase(), process]));
    indexes.set(processes, index);
  }
  return index;
}

// ---------------------------------------------------------------------------------------------
// References (for validate): every name a process document refers to, with its JSON pointer.

/**
 * Names the steps under `pointer` refer to; channels are looked up within `project`. `context`
 * gives the step templates actions use, whose parameters' control types say which property
 * values are names (without it those values are not checked).
 */
export function stepReferences(steps: Json | undefined, pointer: string, project: string, context?: ReferenceContext): DocumentReference[] {
  return asArray(steps)
    .filter(isObject)
    .flatMap((step, i) => {
      const stepPointer = `${pointer}/${i}`;
      return [
        ...propertyReferences(step.Properties, `${stepPointer}/Properties`),
        ...asArray(step.Actions)
          .filter(isObject)
          .flatMap((action, j) => actionReferences(action, `${stepPointer}/Actions/${j}`, project, context)),
      ];
    });
}

function actionReferences(action: JsonObject, pointer: string, project: string, context: ReferenceContext | undefined): DocumentReference[] {
  const container = isObject(action.Container) ? action.Container : {};
  const list = (field: string, collection: string, owner?: string) =>
    asArray(action[field]).flatMap((name, index) => reference(collection, name, `${pointer}/${field}/${index}`, owner));
  const template = isObject(action.Properties) ? action.Properties[TEMPLATE_ID_PROPERTY] : undefined;
  const templateDoc = typeof template === 'string' ? context?.document('step-templates', template) : undefined;
  return [
    ...reference('workerpools', action.WorkerPool, `${pointer}/WorkerPool`),
    ...reference('feeds', container.Feed, `${pointer}/Container/Feed`),
    ...list('Environments', 'environments'),
    ...list('ExcludedEnvironments', 'environments'),
    ...list('Channels', 'channels', project),
    ...asArray(action.TenantTags).flatMap((tag, index) => (typeof tag === 'string' ? [{ pointer: `${pointer}/TenantTags/${index}`, kind: 'tag-sets' as const, name: tag }] : [])),
    ...packageReferences(action.Packages, `${pointer}/Packages`),
    ...propertyReferences(action.Properties, `${pointer}/Properties`, controlTypesByName(templateDoc?.body.Parameters)),
    ...asArray(action.GitDependencies).flatMap((dependency, index) =>
      isObject(dependency) ? reference('gitcredentials', dependency.GitCredential, `${pointer}/GitDependencies/${index}/GitCredential`) : [],
    ),
    ...jsonTokenReferences(action.Inputs, `${pointer}/Inputs`),
  ];
}

export function packageReferences(packages: Json | undefined, pointer: string): DocumentReference[] {
  return asArray(packages)
    .filter(isObject)
    .flatMap((pkg, index) => [
      ...reference('feeds', pkg.Feed, `${pointer}/${index}/Feed`),
      ...reference('projects', pkg.Project, `${pointer}/${index}/Project`),
      ...Object.entries(isObject(pkg.Properties) ? pkg.Properties : {}).flatMap(([key, value]) =>
        typeof value === 'string' ? tokenReferences(value, `${pointer}/${index}/Properties/${escapeName(key)}`) : [],
      ),
    ]);
}

export function propertyReferences(properties: Json | undefined, pointer: string, templateTypes: ReadonlyMap<string, string> = new Map()): DocumentReference[] {
  if (!isObject(properties)) return [];
  const refs: DocumentReference[] = [];
  for (const key of Object.keys(properties)) {
    const value = properties[key];
    if (typeof value !== 'string') continue;
    const ref = PROPERTY_REF_BY_KEY.get(key);
    const type = ref || templateTypes.size === 0 ? undefined : templateTypes.get(key.toLowerCase());
    // Most properties (scripts, flags) name nothing: no pointer is made for them.
    if (!ref && type === undefined && !mayHoldTokens(value)) continue;
    const at = `${pointer}/${escapeName(key)}`;
    if (ref) for (const name of ref.csv ? splitCsv(value) : [value]) refs.push(...reference(ref.collection, name, at));
    else if (type !== undefined) refs.push(...controlValueReferences(type, value, at));
    else refs.push(...tokenReferences(value, at));
  }
  return refs;
}

function reference(collection: string, name: Json | undefined, pointer: string, project?: string): DocumentReference[] {
  const kind = KIND_OF_COLLECTION[collection];
  if (!kind || typeof name !== 'string' || name === '' || isExpression(name)) return [];
  return [{ pointer, kind, name, ...(project === undefined ? {} : { project }) }];
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



function packageLabel(pkg: JsonObject): string {
  return pkg.Name === '' || pkg.Name === null || pkg.Name === undefined ? 'primary package' : `package '${String(pkg.Name)}'`;
}

function setUnlessEmpty(body: JsonObject, key: string, value: Json[] | JsonObject): void {
  if (Array.isArray(value) ? value.length > 0 : Object.keys(value).length > 0) body[key] = value;
}





/** A string map (package properties) with each value mapped. */
function stringMap(values: JsonObject, map: (value: string, key: string) => string): JsonObject {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, typeof value === 'string' ? map(value, key) : value]));
}

function namesOf(names: NameResolver, collection: string, list: Json | undefined, where: string): string[] {
  return asArray(list).map((id) => (typeof id === 'string' && isExpression(id) ? id : names.name(collection, id, where)));
}

function idsOf(ids: IdResolver, collection: string, list: Json | undefined, where: string, ownerId?: string): string[] {
  return asArray(list).map((name) => (typeof name === 'string' && isExpression(name) ? name : ids.id(collection, name, where, ownerId)));
}
