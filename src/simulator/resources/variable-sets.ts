// Variable sets: `variableset-Projects-N` owned by a project, `variableset-LibraryVariableSets-N`
// owned by a library variable set (a script module keeps its body and syntax there too, as the
// variables `Octopus.Script.Module[<Name>]` and `Octopus.Script.Module.Language[<Name>]`; the
// server gives them no special treatment). A set is created with its owner and only ever
// replaced as a whole by a PUT carrying the stored `Version`.
//
// Sensitive variables follow what a live 2026 server does (go-octopusdeploy #449/#450): a read
// shows `Value: null`; a write keeps the stored secret only when the variable's `Id` matches a
// variable that was sensitive and `Value` is null or ""; without such an Id the value is empty;
// a non-empty `Value` replaces it. Secrets live in the store under `<setId>:<variableId>`.
//
// All of it runs in the definition's hooks, so `instance.update('variables', ...)` from a seed
// behaves exactly as an HTTP PUT.
import { randomUUID } from 'node:crypto';
import type { Instance } from '../instance.js';
import type { ResourceDef, SaveContext } from '../resource-def.js';
import type { Doc } from '../store.js';
import { knownTenantTags } from './common.js';
import { actionsOfProcesses, targetRolesOfProcesses } from './processes.js';

type Json = Record<string, unknown>;

/** VariableType (OctopusClients VariableType.cs). */
export const VARIABLE_TYPES = [
  'String', 'Sensitive', 'Certificate', 'AmazonWebServicesAccount', 'AzureAccount', 'WorkerPool',
  'UsernamePasswordAccount', 'GenericOidcAccount', 'GoogleCloudAccount',
] as const;

/** ScopeField (OctopusClients ScopeField.cs, plus the fields the 2026 reference adds). */
export const SCOPE_FIELDS = [
  'Project', 'Environment', 'Machine', 'Role', 'TargetRole', 'Action', 'User', 'Trigger', 'ParentDeployment', 'Private',
  'Channel', 'TenantTag', 'Tenant', 'ProcessOwner', 'ProjectTemplate',
  'EnvironmentParameter', 'ProcessTemplateStep', 'TargetTagParameter', 'TemplatedProject', 'TenantTagParameter',
] as const;

/** Scopes that only make sense inside a project (a library set has no channels, steps or runbooks). */
const PROJECT_ONLY_SCOPES = new Set(['Channel', 'Action', 'ProcessOwner']);

/** Typed variables hold the Id of another document. */
const REFERENCE_TYPES: Record<string, { collection: string; what: string }> = {
  Certificate: { collection: 'certificates', what: 'certificate' },
  AmazonWebServicesAccount: { collection: 'accounts', what: 'account' },
  AzureAccount: { collection: 'accounts', what: 'account' },
  UsernamePasswordAccount: { collection: 'accounts', what: 'account' },
  GenericOidcAccount: { collection: 'accounts', what: 'account' },
  GoogleCloudAccount: { collection: 'accounts', what: 'account' },
  WorkerPool: { collection: 'workerpools', what: 'worker pool' },
};

// Swagger `PUT /variables/{id}` 400 descriptions.
const VERSION_CONFLICT =
  'Changes to these variables could not be saved, because another user has made changes to the variables between when you started editing and when you saved your changes. Please reload or open a new tab to make your changes.';
const PROMPT_SCOPE = 'Prompted variables cannot be scoped to anything except an environment.';
const DUPLICATE_IDS = 'Variable ids must be unique.';

export const variableSets: ResourceDef = {
  collection: 'variables',
  idPrefix: 'variableset',
  itemType: 'VariableSet',
  scope: 'space',
  sortBy: 'Id',
  uniqueName: false,
  versioned: true,
  // The owner is fixed at creation; ScopeValues is computed on every read.
  serverManaged: ['OwnerId', 'ScopeValues'],
  defaults: () => ({ OwnerId: null, Variables: [] }),
  validate: validateVariableSet,
  prepare: prepareVariableSet,
  relatedIds: (doc) => (typeof doc.OwnerId === 'string' ? [doc.OwnerId] : []),
};

export function createVariableSet(instance: Instance, owner: Doc, spaceId: string | null): void {
  instance.saveOwned('variables', { Id: `variableset-${owner.Id}`, OwnerId: owner.Id, SpaceId: spaceId, Variables: [] }, 'Created');
}

/** Removes a variable set and the secrets of its sensitive variables. */
export function deleteVariableSet(instance: Instance, id: string): void {
  instance.store.remove('variables', id);
  instance.store.pruneSecrets(`${id}:`, new Set());
}

// ---------------------------------------------------------------------------------------------
// Validation.

/** The values a scope field may hold (lower-cased): a set, or a lookup in the store. */
interface Membership {
  has(value: string): boolean;
}

/** What a variable set's owner allows its variables to be scoped to. */
interface OwnerContext {
  lookups: ScopeLookups;
  project: Doc | undefined;
  known: Map<string, Membership | null>;
}

function validateVariableSet(doc: Doc, ctx: SaveContext): string[] {
  if (ctx.previous) ctx.instance.checkVersion(ctx.previous, ctx.input ?? {}, 'variables', VERSION_CONFLICT);
  if (doc.Variables !== null && doc.Variables !== undefined && !Array.isArray(doc.Variables)) return ['Variables: must be an array of variables.'];
  const variables = Array.isArray(doc.Variables) ? (doc.Variables as unknown[]) : [];
  const owner: OwnerContext = {
    lookups: new ScopeLookups(ctx.instance, ctx.spaceId),
    project: ctx.instance.find('projects', ctx.spaceId, String(doc.OwnerId)),
    known: new Map(),
  };
  return [...checkUniqueIds(variables), ...variables.flatMap((variable, index) => checkVariable(variable, index, owner))];
}

function checkUniqueIds(variables: unknown[]): string[] {
  const ids = variables.map((v) => (isObject(v) ? v.Id : undefined)).filter((id): id is string => typeof id === 'string' && id !== '');
  return new Set(ids).size === ids.length ? [] : [DUPLICATE_IDS];
}

function checkVariable(raw: unknown, index: number, owner: OwnerContext): string[] {
  if (!isObject(raw)) return [`Variables[${index}]: a variable must be an object.`];
  const where = typeof raw.Name === 'string' && raw.Name !== '' ? `Variable '${raw.Name}'` : `Variables[${index}]`;
  return [
    ...(typeof raw.Name === 'string' && raw.Name.trim() !== '' ? [] : [`${where}: The Name field is required.`]),
    ...checkType(raw, where),
    ...(raw.Value !== null && typeof raw.Value === 'object' ? [`${where}: Value must be a string.`] : []),
    ...checkScope(raw.Scope, where, owner),
    ...checkPrompt(raw.Prompt, raw.Scope, where),
    ...checkTypedValue(raw, where, owner),
  ];
}

// A real server answers a variable without `Type` with a NullReferenceException (Issues#8817);
// the simulator refuses it with a 400 so a client that forgets it fails here too, not only in
// production.
function checkType(raw: Json, where: string): string[] {
  if (raw.Type === undefined || raw.Type === null || raw.Type === '') return [`${where}: The Type field is required.`];
  if (!(VARIABLE_TYPES as readonly unknown[]).includes(raw.Type)) return [`${where}: Type '${String(raw.Type)}' is not one of ${VARIABLE_TYPES.join(', ')}.`];
  return [];
}

function checkTypedValue(raw: Json, where: string, owner: OwnerContext): string[] {
  const target = REFERENCE_TYPES[String(raw.Type)];
  const value = raw.Value;
  if (!target || typeof value !== 'string' || value === '' || value.includes('#{')) return [];
  const { instance, spaceId } = owner.lookups;
  return instance.find(target.collection, spaceId, value) ? [] : [`${where}: the ${target.what} '${value}' does not exist.`];
}

function checkScope(scope: unknown, where: string, owner: OwnerContext): string[] {
  if (scope === undefined || scope === null) return [];
  if (!isObject(scope)) return [`${where}: Scope must be an object of scope field to values.`];
  return Object.entries(scope).flatMap(([field, values]) => checkScopeField(field, values, where, owner));
}

function checkScopeField(field: string, values: unknown, where: string, owner: OwnerContext): string[] {
  if (!(SCOPE_FIELDS as readonly string[]).includes(field)) return [`${where}: '${field}' is not a scope field (one of ${SCOPE_FIELDS.join(', ')}).`];
  if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) return [`${where}: the ${field} scope must be an array of strings.`];
  if (values.length === 0) return [];
  if (!owner.project && PROJECT_ONLY_SCOPES.has(field)) return [`${where}: a library variable set's variables cannot be scoped by ${field}.`];
  const known = knownValues(owner, field);
  if (!known) return [];
  return (values as string[]).filter((v) => !known.has(v.toLowerCase())).map((v) => `${where}: the ${field} scope value '${v}' does not exist.`);
}

/** Lower-cased values a scope field may hold, or null for free text (roles, internal scopes). */
function knownValues(owner: OwnerContext, field: string): Membership | null {
  if (!owner.known.has(field)) owner.known.set(field, computeKnownValues(owner, field));
  return owner.known.get(field) ?? null;
}

function computeKnownValues(owner: OwnerContext, field: string): Membership | null {
  const { lookups, project } = owner;
  const ids = (docs: { Id: string }[]) => new Set(docs.map((d) => d.Id.toLowerCase()));
  switch (field) {
    case 'Environment':
      return lookups.ids('environments');
    case 'Machine':
      return lookups.ids('machines');
    case 'Tenant':
      return lookups.ids('tenants');
    case 'Project':
      return lookups.ids('projects');
    case 'TenantTag':
      return knownTenantTags(lookups.instance, lookups.spaceId);
    case 'Channel':
      return ids(project ? lookups.channelsOf(project.Id) : []);
    case 'Action':
      return ids(project ? actionsOfProcesses(lookups.processesOf(project)) : []);
    case 'ProcessOwner':
      return ids(project ? [project, ...lookups.runbooksOf(project.Id)] : []);
    default:
      return null;
  }
}

function checkPrompt(prompt: unknown, scope: unknown, where: string): string[] {
  if (prompt === undefined || prompt === null) return [];
  if (!isObject(prompt)) return [`${where}: Prompt must be null or an object {Label, Description, Required, DisplaySettings}.`];
  const scoped = Object.entries(isObject(scope) ? scope : {}).filter(([, values]) => Array.isArray(values) && values.length > 0);
  return scoped.some(([field]) => field !== 'Environment') ? [`${where}: ${PROMPT_SCOPE}`] : [];
}

// ---------------------------------------------------------------------------------------------
// Storing.

function prepareVariableSet(doc: Doc, ctx: SaveContext): void {
  const store = ctx.instance.store;
  const wasSensitive = new Set(variablesOf(ctx.previous).filter((v) => v.IsSensitive === true).map((v) => String(v.Id)));
  const keep = new Set<string>();
  doc.Variables = variablesOf(doc).map((raw) => {
    const variable = normalizeVariable(raw);
    if (variable.IsSensitive !== true) return variable;
    const key = `${doc.Id}:${String(variable.Id)}`;
    const sentId = typeof raw.Id === 'string' && raw.Id !== '';
    if (typeof variable.Value === 'string' && variable.Value !== '') store.setSecret(key, variable.Value);
    else if (!(sentId && wasSensitive.has(String(raw.Id)))) store.setSecret(key, undefined);
    if (store.hasSecret(key)) keep.add(key);
    // The document never holds a secret: reads show null, as the server does.
    return { ...variable, Value: null };
  });
  store.pruneSecrets(`${doc.Id}:`, keep);
}

/** A variable as the server stores it: every field present, in the server's order. */
function normalizeVariable(raw: Json): Json {
  // `IsSensitive` is kept for older clients (OctopusClients VariableResource): true upgrades a
  // String variable to Sensitive; otherwise Type decides and IsSensitive follows it.
  const type = raw.IsSensitive === true && raw.Type === 'String' ? 'Sensitive' : String(raw.Type);
  return {
    Id: typeof raw.Id === 'string' && raw.Id !== '' ? raw.Id : randomUUID(),
    Name: String(raw.Name),
    Value: textOrNull(raw.Value),
    Description: textOrNull(raw.Description),
    Scope: normalizeScope(raw.Scope),
    IsEditable: raw.IsEditable !== false,
    Prompt: normalizePrompt(raw.Prompt),
    Type: type,
    IsSensitive: type === 'Sensitive',
  };
}

/** Drops empty scope fields: `{Environment: []}` is no scope at all (inferred). */
function normalizeScope(scope: unknown): Json {
  const result: Json = {};
  for (const [field, values] of Object.entries(isObject(scope) ? scope : {})) {
    if (Array.isArray(values) && values.length > 0) result[field] = [...new Set(values.map(String))];
  }
  return result;
}

function normalizePrompt(prompt: unknown): Json | null {
  if (!isObject(prompt)) return null;
  const settings: Record<string, string> = {};
  for (const [key, value] of Object.entries(isObject(prompt.DisplaySettings) ? prompt.DisplaySettings : {})) settings[key] = String(value);
  return { Label: textOrNull(prompt.Label), Description: textOrNull(prompt.Description), Required: prompt.Required === true, DisplaySettings: settings };
}

// ---------------------------------------------------------------------------------------------
// Lookups shared by scope validation and ScopeValues.

/**
 * What scopes can name in a space, read once per request and shared: `/variables/all` shows
 * ScopeValues for every set of the space and must not re-read the space for each one. Lists
 * used only for membership come from the store unsorted (seeds save thousands of sets).
 */
export class ScopeLookups {
  private readonly memo = new Map<string, unknown>();

  constructor(
    readonly instance: Instance,
    readonly spaceId: string | null,
  ) {}

  /** Whether a lower-cased id names a document of the collection in the space (looked up, not listed). */
  ids(collection: string): Membership {
    return {
      has: (id) => {
        const doc = this.instance.store.get(collection, id);
        return doc !== undefined && (doc.SpaceId ?? null) === this.spaceId;
      },
    };
  }

  /** A project's channels, by Name. */
  channelsOf(projectId: string): Doc[] {
    return this.ofProject('channels', projectId);
  }

  /** A project's runbooks, by Name. */
  runbooksOf(projectId: string): Doc[] {
    return this.ofProject('runbooks', projectId);
  }

  /** A project's deployment process, then its runbooks' processes. */
  processesOf(project: Doc): Doc[] {
    const deployment = this.instance.find('deploymentprocesses', this.spaceId, String(project.DeploymentProcessId));
    const runbooks = this.runbooksOf(project.Id).map((r) => this.instance.find('runbookProcesses', this.spaceId, String(r.RunbookProcessId)));
    return [deployment, ...runbooks].filter((p): p is Doc => p !== undefined);
  }

  /** Documents in the server's list order (environments by SortOrder, most others by Name). */
  sorted(collection: string): Doc[] {
    return this.once(`sorted:${collection}`, () => this.instance.list(collection, this.spaceId));
  }

  /** A project's documents of a collection, by Name, from the store's index by owner. */
  private ofProject(collection: string, projectId: string): Doc[] {
    return this.once(`ofProject:${collection}:${projectId}`, () =>
      this.instance.store
        .withField(collection, 'ProjectId', projectId)
        .filter((doc) => (doc.SpaceId ?? null) === this.spaceId && String(doc.ProjectId) === projectId)
        .sort((a, b) => byName(String(a.Name), String(b.Name))),
    );
  }

  private once<T>(key: string, make: () => T): T {
    if (!this.memo.has(key)) this.memo.set(key, make());
    return this.memo.get(key) as T;
  }
}

// ---------------------------------------------------------------------------------------------
// ScopeValues: the lookup lists a read carries so a client can show names for scope Ids
// (swagger VariableScopeValues).

interface ReferenceItem {
  Id: string;
  Name: string;
}

export function scopeValues(lookups: ScopeLookups, doc: Doc): Record<string, unknown> {
  const project = lookups.instance.find('projects', lookups.spaceId, String(doc.OwnerId));
  const refs = (docs: Doc[]): ReferenceItem[] => docs.map((d) => ({ Id: d.Id, Name: String(d.Name) }));
  return {
    Environments: refs(lookups.sorted('environments')),
    Machines: refs(lookups.sorted('machines')),
    Actions: project ? actionsOfProcesses(lookups.processesOf(project)) : [],
    Roles: roleItems(lookups, project, doc),
    Channels: project ? refs(lookups.channelsOf(project.Id)) : [],
    TenantTags: tenantTagItems(lookups),
    Processes: project ? processItems(lookups, project) : [],
    // 2026: process templates (Platform Hub) and their parameters, which this simulator does not serve.
    EnvironmentParameters: [],
    ProcessTemplateSteps: [],
    TargetTagParameters: [],
    TenantTagParameters: [],
  };
}

/** Roles of deployment targets, of the project's steps, and those the set's variables already use (inferred). */
function roleItems(lookups: ScopeLookups, project: Doc | undefined, doc: Doc): ReferenceItem[] {
  const roles = new Map<string, string>();
  const add = (role: string) => roles.set(role.toLowerCase(), roles.get(role.toLowerCase()) ?? role);
  for (const machine of lookups.sorted('machines')) for (const role of listOf(machine.Roles)) add(role);
  if (project) for (const role of targetRolesOfProcesses(lookups.processesOf(project))) add(role);
  for (const variable of variablesOf(doc)) for (const role of listOf(asJson(variable.Scope).Role)) add(role);
  return [...roles.values()].sort(byName).map((role) => ({ Id: role, Name: role }));
}

/** Canonical tag names, as Id and Name (inferred), in tag set order. */
function tenantTagItems(lookups: ScopeLookups): ReferenceItem[] {
  return lookups.sorted('tagsets').flatMap((tagSet) =>
    listOfObjects(tagSet.Tags).map((tag) => {
      const canonical = `${String(tagSet.Name)}/${String(tag.Name)}`;
      return { Id: canonical, Name: canonical };
    }),
  );
}

function processItems(lookups: ScopeLookups, project: Doc): (ReferenceItem & { ProcessType: string })[] {
  return [
    { Id: project.Id, Name: String(project.Name), ProcessType: 'Deployment' },
    ...lookups.runbooksOf(project.Id).map((r) => ({ Id: r.Id, Name: String(r.Name), ProcessType: 'Runbook' })),
  ];
}

/** One collator for every comparison: `localeCompare` with options builds one per call. */
const NAME_ORDER = new Intl.Collator('en', { sensitivity: 'base' });

function byName(a: string, b: string): number {
  return NAME_ORDER.compare(a, b);
}

// ---------------------------------------------------------------------------------------------
// Small helpers.

function variablesOf(doc: Doc | undefined): Json[] {
  return Array.isArray(doc?.Variables) ? (doc.Variables as unknown[]).map(asJson) : [];
}

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function asJson(value: unknown): Json {
  return isObject(value) ? value : {};
}

function textOrNull(value: unknown): string | null {
  return value === undefined || value === null ? null : String(value);
}

function listOf(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

function listOfObjects(value: unknown): Json[] {
  return Array.isArray(value) ? value.map(asJson) : [];
}
