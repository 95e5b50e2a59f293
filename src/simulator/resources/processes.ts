// Deployment processes (`deploymentprocess-Projects-N`, owned by a project) and runbook
// processes (`RunbookProcess-Runbooks-N`, owned by a runbook). Both are created with their owner
// and only ever replaced by a PUT of the whole process: `Version` must be sent and must be the
// stored one, steps and actions keep the Ids the request sends (new ones get GUIDs), and
// sensitive properties (`SensitiveValue`) keep their secret when the same step or action Id
// comes back with `{HasValue: true}`. Everything happens in the definition's hooks, so
// `instance.update(...)` from a seed behaves exactly as an HTTP PUT.
import { randomUUID } from 'node:crypto';
import type { Instance } from '../instance.js';
import type { ResourceDef, SaveContext } from '../resource-def.js';
import { isSensitiveValueShape } from '../sensitive.js';
import { slugify } from '../slug.js';
import type { Doc, Store } from '../store.js';
import { checkTenantTags } from './common.js';
import { checkRemovedReferencedSteps } from './project-step-references.js';
import { applySensitiveProperties } from './properties.js';

type Json = Record<string, unknown>;

const PACKAGE_REQUIREMENTS = ['LetOctopusDecide', 'BeforePackageAcquisition', 'AfterPackageAcquisition'];
const STEP_CONDITIONS = ['Success', 'Failure', 'Always', 'Variable'];
// The 2026 reference adds `Variable` to the 2021 swagger's two start triggers.
const START_TRIGGERS = ['StartAfterPrevious', 'StartWithPrevious', 'Variable'];
const ACTION_CONDITIONS = ['Success', 'Variable'];
// 2026: "Either \"Step\" or \"ProcessTemplateUsage\". Defaults to \"Step\" if no type is provided."
const STEP_TYPES = ['Step', 'ProcessTemplateUsage'];
const TEMPLATE_ID_PROPERTY = 'Octopus.Action.Template.Id';

/**
 * Action properties a server resolves to documents (its `SpecialVariableSchema`, described in
 * OctopusDeploy/Architecture `NamesOrIds.md`): an id there that names nothing is refused, as the
 * server's name/id resolution fails on it. Team properties hold comma-separated ids.
 */
const PROPERTY_REFERENCES: { property: string; collection: string; what: string; csv?: boolean }[] = [
  { property: 'Octopus.Action.Package.FeedId', collection: 'feeds', what: 'feed' },
  { property: 'Octopus.Action.Package.NuGetFeedId', collection: 'feeds', what: 'feed' },
  { property: 'Octopus.Action.DeployRelease.ProjectId', collection: 'projects', what: 'project' },
  { property: 'Octopus.Action.Azure.AccountId', collection: 'accounts', what: 'account' },
  { property: 'Octopus.Action.Manual.ResponsibleTeamIds', collection: 'teams', what: 'team', csv: true },
  { property: 'Octopus.Action.Email.ToTeamIds', collection: 'teams', what: 'team', csv: true },
  { property: 'Octopus.Action.Email.CCTeamIds', collection: 'teams', what: 'team', csv: true },
  { property: 'Octopus.Action.Email.BccTeamIds', collection: 'teams', what: 'team', csv: true },
];

// The swagger documents this 400 for `PUT /runbookProcesses/{id}`; deployment processes use the
// same words (OctopusDeploy/Issues#9043).
const VERSION_CONFLICT =
  'Changes to this process could not be saved, because another user has made changes to the process between when you started editing and when you saved your changes. Please reload or open a new tab to make your changes.';

function processDef(collection: string, idPrefix: string, itemType: string, label: string, extra: Json): ResourceDef {
  return {
    collection,
    idPrefix,
    itemType,
    scope: 'space',
    sortBy: 'Id',
    uniqueName: false,
    versioned: true,
    // The owner is fixed at creation; a body can't move a process to another project.
    serverManaged: ['ProjectId', 'RunbookId', 'LastSnapshotId'],
    defaults: () => ({ ProjectId: null, ...extra, Steps: [], LastSnapshotId: null }),
    validate: (doc, ctx) => validateProcess(doc, ctx, label),
    prepare: prepareProcess,
    relatedIds: (doc) => [doc.ProjectId, doc.RunbookId].filter((id): id is string => typeof id === 'string'),
    links: (doc) => processLinks(doc),
  };
}

export const deploymentProcesses = processDef('deploymentprocesses', 'deploymentprocess', 'DeploymentProcess', 'deployment process', {});

export const runbookProcesses = processDef('runbookProcesses', 'RunbookProcess', 'RunbookProcess', 'runbook process', { RunbookId: null });

export function createProcess(instance: Instance, collection: string, id: string, fields: Record<string, unknown>, spaceId: string | null): void {
  instance.saveOwned(collection, { Id: id, SpaceId: spaceId, ...fields, Steps: [], LastSnapshotId: null }, 'Created');
}

/** Removes a process and the secrets of its sensitive properties. */
export function deleteProcess(instance: Instance, collection: string, id: string): void {
  instance.store.remove(collection, id);
  instance.store.pruneSecrets(`${id}:`, new Set());
}

/** The actions of processes, in process order, as `{Id, Name}` (variable scopes). */
export function actionsOfProcesses(processes: Doc[]): { Id: string; Name: string }[] {
  return processes.flatMap((p) => stepsOf(p).flatMap((step) => actionsOf(step))).map((a) => ({ Id: String(a.Id), Name: String(a.Name) }));
}

/** Target roles the steps of processes run on (`Octopus.Action.TargetRoles`, comma-separated). */
export function targetRolesOfProcesses(processes: Doc[]): string[] {
  return processes.flatMap((p) => stepsOf(p)).flatMap((step) => splitRoles(asJson(step.Properties)['Octopus.Action.TargetRoles']));
}

function processLinks(doc: Doc): Record<string, string> {
  const project = `/api/${String(doc.SpaceId)}/projects/${String(doc.ProjectId)}`;
  if (typeof doc.RunbookId === 'string') {
    return { Project: project, Runbook: `/api/${String(doc.SpaceId)}/runbooks/${doc.RunbookId}` };
  }
  return { Project: project };
}

// ---------------------------------------------------------------------------------------------
// Normalization: the process as the server stores it. Unknown fields are dropped, as the
// server's model binding drops them; absent fields take the defaults a real server returns.

function normalizeSteps(raw: unknown): Json[] {
  const steps = Array.isArray(raw) ? raw.map(asJson) : [];
  const used = new Set<string>();
  const usedActionSlugs = new Set<string>();
  return steps.map((step) => {
    const actions = (Array.isArray(step.Actions) ? step.Actions : []).map((action) => normalizeAction(asJson(action), usedActionSlugs));
    return {
      Id: idOrNew(step.Id),
      Name: textOr(step.Name, ''),
      Slug: slugFor(step, used),
      PackageRequirement: textOr(step.PackageRequirement, 'LetOctopusDecide'),
      Properties: normalizeProperties(step.Properties),
      Condition: textOr(step.Condition, 'Success'),
      StartTrigger: textOr(step.StartTrigger, 'StartAfterPrevious'),
      Type: textOr(step.Type, 'Step'),
      Actions: actions,
    };
  });
}

function normalizeAction(action: Json, usedSlugs: Set<string>): Json {
  const packages = (Array.isArray(action.Packages) ? action.Packages : []).map((p) => normalizePackage(asJson(p)));
  const container = asJson(action.Container);
  const normalized: Json = {
    Id: idOrNew(action.Id),
    Name: textOr(action.Name, ''),
    Slug: slugFor(action, usedSlugs),
    ActionType: textOr(action.ActionType, ''),
    Notes: textOr(action.Notes, null),
    IsDisabled: action.IsDisabled === true,
    IsRequired: action.IsRequired === true,
    // Inferred: the server marks actions that carry packages as usable for release versioning.
    CanBeUsedForProjectVersioning: typeof action.CanBeUsedForProjectVersioning === 'boolean' ? action.CanBeUsedForProjectVersioning : packages.length > 0,
    WorkerPoolId: textOr(action.WorkerPoolId, null),
    WorkerPoolVariable: textOr(action.WorkerPoolVariable, null),
    Container: { FeedId: textOr(container.FeedId, null), Image: textOr(container.Image, null) },
    Environments: listOf(action.Environments),
    ExcludedEnvironments: listOf(action.ExcludedEnvironments),
    Channels: listOf(action.Channels),
    TenantTags: listOf(action.TenantTags),
    Packages: packages,
    GitDependencies: (Array.isArray(action.GitDependencies) ? action.GitDependencies : []).map((d) => normalizeGitDependency(asJson(d))),
    Condition: textOr(action.Condition, 'Success'),
    Properties: normalizeProperties(action.Properties),
  };
  // Newer clients send these for step-package steps; keep them when present.
  if (action.StepPackageVersion !== undefined) normalized.StepPackageVersion = action.StepPackageVersion;
  if (action.Inputs !== undefined) normalized.Inputs = action.Inputs;
  normalized.Links = {};
  return normalized;
}

/** A Git repository an action takes files from (2022.3+; OctopusClients GitDependencyResource, reference-2026 action shape). */
function normalizeGitDependency(dependency: Json): Json {
  return {
    Name: textOr(dependency.Name, ''),
    RepositoryUri: textOr(dependency.RepositoryUri, ''),
    DefaultBranch: textOr(dependency.DefaultBranch, ''),
    GitCredentialType: textOr(dependency.GitCredentialType, 'Anonymous'),
    GitCredentialId: textOr(dependency.GitCredentialId, null),
    GitHubConnectionId: textOr(dependency.GitHubConnectionId, null),
    FilePathFilters: listOf(dependency.FilePathFilters),
    StepPackageInputsReferenceId: textOr(dependency.StepPackageInputsReferenceId, null),
  };
}

function normalizePackage(pkg: Json): Json {
  return {
    Id: idOrNew(pkg.Id),
    // The primary package of an action is the one named "" (api-client IsPrimaryPackageReference).
    Name: textOr(pkg.Name, ''),
    PackageId: textOr(pkg.PackageId, null),
    FeedId: textOr(pkg.FeedId, null),
    AcquisitionLocation: textOr(pkg.AcquisitionLocation, 'Server'),
    Properties: stringMap(pkg.Properties),
  };
}

/** Property values are strings, or `SensitiveValue` objects left for the secret store. */
function normalizeProperties(raw: unknown): Json {
  const result: Json = {};
  for (const [name, value] of Object.entries(asJson(raw))) {
    result[name] = isSensitiveValueShape(value) ? { ...value } : value === null || value === undefined ? null : scalarText(value);
  }
  return result;
}

/** Keeps a slug the request sends; derives one from the Name otherwise, unique within the process. */
function slugFor(item: Json, used: Set<string>): string {
  if (typeof item.Slug === 'string' && item.Slug !== '') {
    used.add(item.Slug.toLowerCase());
    return item.Slug;
  }
  const base = slugify(textOr(item.Name, ''));
  let slug = base;
  for (let n = 1; used.has(slug); n += 1) slug = `${base}-${n}`;
  used.add(slug);
  return slug;
}

// ---------------------------------------------------------------------------------------------
// Validation.

function validateProcess(doc: Doc, ctx: SaveContext, label: string): string[] {
  if (ctx.previous) ctx.instance.checkVersion(ctx.previous, ctx.input ?? {}, 'process', VERSION_CONFLICT);
  if (doc.Steps !== undefined && doc.Steps !== null && !Array.isArray(doc.Steps)) return ['Steps: must be an array of steps.'];
  const shapeErrors = checkShapes(Array.isArray(doc.Steps) ? doc.Steps : []);
  if (shapeErrors.length > 0) return shapeErrors;
  const steps = normalizeSteps(doc.Steps);
  const owner = doc.RunbookId === undefined && typeof doc.ProjectId === 'string' ? ctx.instance.find('projects', ctx.spaceId, doc.ProjectId) : undefined;
  return [
    ...steps.flatMap((step) => checkStep(step)),
    ...checkUnique(steps, 'Step', label),
    ...checkUnique(steps.flatMap(actionsOf), 'Action', label),
    ...checkReferences(ctx.instance, ctx.spaceId, String(doc.ProjectId), steps),
    ...(owner && ctx.previous ? checkRemovedReferencedSteps(owner, stepsOf(ctx.previous), steps) : []),
  ];
}

/** What normalization can't repair: steps, actions and properties of the wrong JSON type. */
function checkShapes(steps: unknown[]): string[] {
  const errors: string[] = [];
  steps.forEach((step, index) => {
    if (!isObject(step)) {
      errors.push(`Steps[${index}]: a step must be an object.`);
      return;
    }
    errors.push(...checkPropertyShapes(step.Properties, `Step '${String(step.Name)}'`));
    if (step.Actions !== undefined && !Array.isArray(step.Actions)) errors.push(`Step '${String(step.Name)}': Actions must be an array.`);
    for (const action of Array.isArray(step.Actions) ? step.Actions : []) {
      if (!isObject(action)) errors.push(`Step '${String(step.Name)}': an action must be an object.`);
      else errors.push(...checkPropertyShapes(action.Properties, `Action '${String(action.Name)}'`), ...checkListShapes(action));
    }
  });
  return errors;
}

function checkPropertyShapes(properties: unknown, where: string): string[] {
  if (properties === undefined || properties === null) return [];
  if (!isObject(properties)) return [`${where}: Properties must be an object.`];
  return Object.entries(properties)
    .filter(([, value]) => value !== null && typeof value === 'object' && !isSensitiveValueShape(value))
    .map(([name]) => `${where}: the property '${name}' must be a string or a SensitiveValue.`);
}

function checkListShapes(action: Json): string[] {
  return ['Environments', 'ExcludedEnvironments', 'Channels', 'TenantTags', 'Packages']
    .filter((field) => action[field] !== undefined && action[field] !== null && !Array.isArray(action[field]))
    .map((field) => `Action '${String(action.Name)}': ${field} must be an array.`);
}

function checkStep(step: Json): string[] {
  const where = step.Name ? `Step '${String(step.Name)}'` : 'A step';
  const errors = [
    ...(step.Name ? [] : ['A step is missing its Name. Steps must have a name.']),
    ...oneOf(step, 'PackageRequirement', PACKAGE_REQUIREMENTS, where),
    ...oneOf(step, 'Condition', STEP_CONDITIONS, where),
    ...oneOf(step, 'StartTrigger', START_TRIGGERS, where),
    ...oneOf(step, 'Type', STEP_TYPES, where),
  ];
  // A process template usage refers to a Platform Hub process template, which this simulator does not serve.
  if (step.Type === 'ProcessTemplateUsage') errors.push(`${where}: process templates are not available on this server.`);
  const actions = actionsOf(step);
  if (actions.length === 0) errors.push(`${where}: a step must have at least one action.`);
  for (const action of actions) errors.push(...checkAction(action, where));
  return errors;
}

function checkAction(action: Json, stepWhere: string): string[] {
  const where = action.Name ? `Action '${String(action.Name)}'` : `${stepWhere}: an action`;
  const errors = [
    ...(action.Name ? [] : [`${stepWhere}: an action is missing its Name. Actions must have a name.`]),
    ...(action.ActionType ? [] : [`${where}: the ActionType field is required.`]),
    ...oneOf(action, 'Condition', ACTION_CONDITIONS, where),
  ];
  for (const dependency of (Array.isArray(action.GitDependencies) ? action.GitDependencies : []).map(asJson)) {
    if (!dependency.RepositoryUri) errors.push(`${where}: a Git dependency is missing its RepositoryUri.`);
    if (!dependency.DefaultBranch) errors.push(`${where}: a Git dependency is missing its DefaultBranch.`);
  }
  const names = new Set<string>();
  for (const pkg of (action.Packages as Json[]).map(asJson)) {
    const name = String(pkg.Name ?? '').toLowerCase();
    if (names.has(name)) errors.push(`${where}: the package reference name '${String(pkg.Name)}' is used twice. Package reference names must be unique within an action.`);
    names.add(name);
    // A package a step template's Package parameter chooses is "deferred": the parameter's value
    // names it, so the reference has no PackageId (the Library's templates have this shape).
    const deferred = asJson(pkg.Properties).SelectionMode === 'deferred';
    if (!pkg.PackageId && !deferred) errors.push(`${where}: a package reference is missing its PackageId.`);
  }
  return errors;
}

/** Names, slugs and Ids are unique within a process; names case-insensitively (Issues#4459). */
function checkUnique(items: Json[], kind: 'Step' | 'Action', label: string): string[] {
  const errors: string[] = [];
  const seen = { Name: new Set<string>(), Slug: new Set<string>(), Id: new Set<string>() };
  for (const item of items) {
    const name = String(item.Name).toLowerCase();
    const slug = String(item.Slug).toLowerCase();
    const lower = kind.toLowerCase();
    if (name !== '' && seen.Name.has(name)) {
      errors.push(`${kind} name '${String(item.Name)}' is already in use by another ${lower} in this ${label}. ${kind} names must be unique.`);
    } else if (seen.Slug.has(slug)) {
      errors.push(`${kind} slug '${String(item.Slug)}' is already used by another ${lower} in this ${label}. ${kind} slugs must be unique.`);
    }
    if (seen.Id.has(String(item.Id))) errors.push(`${kind} Id '${String(item.Id)}' is used twice in this ${label}. ${kind} ids must be unique.`);
    seen.Name.add(name);
    seen.Slug.add(slug);
    seen.Id.add(String(item.Id));
  }
  return errors;
}

function checkReferences(instance: Instance, spaceId: string | null, projectId: string, steps: Json[]): string[] {
  // The project's channels from the store's index: seeds and applies save thousands of processes.
  const channels = new Set(
    instance.store
      .withField('channels', 'ProjectId', projectId)
      .filter((c) => (c.SpaceId ?? null) === spaceId && c.ProjectId === projectId)
      .map((c) => c.Id.toLowerCase()),
  );
  return steps.flatMap(actionsOf).flatMap((action) => {
    const where = `Action '${String(action.Name)}'`;
    const packages = (action.Packages as Json[]).map(asJson);
    const container = asJson(action.Container);
    const missing = (collection: string, what: string, ids: unknown[]) =>
      missingIds(instance, spaceId, collection, ids).map((id) => `${where}: the ${what} '${id}' does not exist.`);
    const properties = asJson(action.Properties);
    return [
      ...missing('workerpools', 'worker pool', [action.WorkerPoolId]),
      ...missing('environments', 'environment', [...listOf(action.Environments), ...listOf(action.ExcludedEnvironments)]),
      ...missing('feeds', 'feed', [...packages.map((p) => p.FeedId), container.FeedId]),
      ...missing('actiontemplates', 'step template', [properties[TEMPLATE_ID_PROPERTY]]),
      ...PROPERTY_REFERENCES.flatMap((ref) => {
        const value = properties[ref.property];
        return missing(ref.collection, ref.what, typeof value !== 'string' ? [] : ref.csv ? splitRoles(value) : [value]);
      }),
      // A package from the built-in releases feed is a project's releases ("Deploy a release").
      ...missing('projects', 'project', packages.filter((p) => isReleasesFeed(instance, spaceId, p.FeedId)).map((p) => p.PackageId)),
      ...missing('git-credentials', 'git credential', (Array.isArray(action.GitDependencies) ? action.GitDependencies : []).map((d) => asJson(d).GitCredentialId)),
      ...listOf(action.Channels)
        .filter((id) => !channels.has(id.toLowerCase()))
        .map((id) => `${where}: the channel '${id}' does not exist in this project.`),
      ...checkTenantTags(instance, spaceId, action.TenantTags, `${where}: TenantTags`),
    ];
  });
}

function isReleasesFeed(instance: Instance, spaceId: string | null, feedId: unknown): boolean {
  return typeof feedId === 'string' && instance.find('feeds', spaceId, feedId)?.FeedType === 'OctopusProject';
}

/** Ids that don't exist; empty values and variable expressions (`#{...}`) are not checked. */
function missingIds(instance: Instance, spaceId: string | null, collection: string, ids: unknown[]): string[] {
  return ids
    .filter((id): id is string => typeof id === 'string' && id !== '' && !id.includes('#{'))
    .filter((id) => !instance.find(collection, spaceId, id));
}

function oneOf(item: Json, field: string, allowed: string[], where: string): string[] {
  const value = String(item[field]);
  return allowed.includes(value) ? [] : [`${where}: ${field} '${value}' is not one of ${allowed.join(', ')}.`];
}

// ---------------------------------------------------------------------------------------------
// Storing: normalized steps, with sensitive property values moved into the secret store.

function prepareProcess(doc: Doc, ctx: SaveContext): void {
  const store = ctx.instance.store;
  const before = previousProperties(ctx.previous);
  const keep = new Set<string>();
  const steps = normalizeSteps(doc.Steps);
  for (const step of steps) {
    // Step and action Ids are both GUIDs, but keep their keys apart in case a client reuses one.
    step.Properties = storeProperties(store, `${doc.Id}:step-${String(step.Id)}`, step.Properties, before.get(`step-${String(step.Id)}`), keep);
    for (const action of actionsOf(step)) {
      action.Properties = storeProperties(store, `${doc.Id}:${String(action.Id)}`, action.Properties, before.get(String(action.Id)), keep);
    }
  }
  store.pruneSecrets(`${doc.Id}:`, keep);
  doc.Steps = steps;
}

function storeProperties(store: Store, prefix: string, sent: unknown, previous: unknown, keep: Set<string>): Json {
  const result = applySensitiveProperties(store, prefix, sent, previous);
  for (const [name, value] of Object.entries(result)) if (isSensitiveValueShape(value)) keep.add(`${prefix}:${name}`);
  return result;
}

function previousProperties(previous: Doc | undefined): Map<string, unknown> {
  const map = new Map<string, unknown>();
  for (const step of previous ? stepsOf(previous) : []) {
    map.set(`step-${String(step.Id)}`, step.Properties);
    for (const action of actionsOf(step)) map.set(String(action.Id), action.Properties);
  }
  return map;
}

// ---------------------------------------------------------------------------------------------
// Small helpers.

export function stepsOf(process: Doc): Json[] {
  return Array.isArray(process.Steps) ? process.Steps.map(asJson) : [];
}

export function actionsOf(step: Json): Json[] {
  return Array.isArray(step.Actions) ? step.Actions.map(asJson) : [];
}

function splitRoles(value: unknown): string[] {
  return typeof value === 'string' ? value.split(',').map((r) => r.trim()).filter((r) => r !== '') : [];
}

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function asJson(value: unknown): Json {
  return isObject(value) ? value : {};
}

function idOrNew(value: unknown): string {
  return typeof value === 'string' && value !== '' ? value : randomUUID();
}

function textOr<T extends string | null>(value: unknown, fallback: T): string | T {
  return value === undefined || value === null ? fallback : scalarText(value);
}

function scalarText(value: unknown): string {
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function listOf(value: unknown): string[] {
  return Array.isArray(value) ? value.map((v) => String(v)) : [];
}

function stringMap(value: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, v] of Object.entries(asJson(value))) result[key] = v === null || v === undefined ? '' : scalarText(v);
  return result;
}
