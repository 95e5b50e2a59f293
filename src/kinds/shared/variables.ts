// Variables of a variable set — a project's or a library variable set's — as documents hold them,
// and back. Both `project-variables` and `library-variable-sets` use this one normalization so a
// variable reads the same wherever it lives.
//
// Document form of a variable (DESIGN §3):
// - `Name`, `Description` (dropped when empty: the API mixes null and "" for the same thing,
//   even within one set), `Type` (always written: it is what the server needs on PUT and it
//   tells a reviewer how to read `Value`), `Value` (always a string for a non-sensitive variable,
//   null read as ""), `Scope` (names, sorted; empty fields and an empty scope omitted),
//   `Prompt` (null dropped), `IsEditable` only when false, `IsSensitive` only when true.
// - A sensitive variable has no `Value`: the API never returns it and Git never holds it.
// - Ids become names: scope values of environments, machines (deployment targets), tenants,
//   projects, channels, step actions and process owners; the `Value` of typed variables
//   (certificates, accounts, worker pools). Tenant tags are canonical names already; roles are
//   free text. Other scope fields (internal to the server) are kept as they are.
// - The variable `Id` (a GUID) is dropped. Identity is Name + Scope.
//
// Step actions are named by the action's name for the project's deployment process, and by
// `<runbook name>/<action name>` for a runbook's process: action names are unique only within a
// process, and a runbook step often has the name of a deployment step ("Smoke test").
import { canonicalize, compareKeys, compareNames } from '../../core/canonical.js';
import type { Json, JsonObject, KindDocument, LiveSpace } from '../../core/document.js';
import type { IdResolver, NameResolver, RefTable } from '../../core/refs.js';
import { asArray, isObject, without } from '../fields.js';
import type { DocumentReference, Kind } from '../types.js';
import { referenceCollection } from './control-type-values.js';
import { escapeName } from '../../core/names.js';

/** ScopeField (OctopusClients ScopeField.cs, plus the fields the 2026 API reference adds). */
export const SCOPE_FIELDS = [
  'Project', 'Environment', 'Machine', 'Role', 'TargetRole', 'Action', 'User', 'Trigger', 'ParentDeployment', 'Private',
  'Channel', 'TenantTag', 'Tenant', 'ProcessOwner', 'ProjectTemplate',
  'EnvironmentParameter', 'ProcessTemplateStep', 'TargetTagParameter', 'TemplatedProject', 'TenantTagParameter',
] as const;
export type ScopeField = (typeof SCOPE_FIELDS)[number];

/** Scope fields holding ids of a space-wide collection. */
const SCOPE_COLLECTIONS: Readonly<Record<string, string>> = {
  Environment: 'environments',
  Machine: 'machines',
  Tenant: 'tenants',
  Project: 'projects',
};

/** Scope fields that only a project's variables can have (they name things inside the project). */
const PROJECT_SCOPES = new Set(['Channel', 'Action', 'ProcessOwner']);

/** The script-module variables, kept by script-modules only. */
export const SCRIPT_MODULE_BODY = 'Octopus.Script.Module';
export const SCRIPT_MODULE_LANGUAGE = 'Octopus.Script.Module.Language';

/**
 * The collection the `Value` of a typed variable refers to: `Certificate`, `WorkerPool`, and
 * every account type (`AmazonWebServicesAccount`, `AzureAccount`, `UsernamePasswordAccount`,
 * `GoogleCloudAccount`, `GenericOidcAccount`, and newer `…Account` types).
 */
export function valueCollection(type: string): string | undefined {
  return referenceCollection(type);
}

/** Whether a value is an Octopus expression (`#{Shared.Certificate}`) rather than an id. */
function isExpression(value: string): boolean {
  return value.includes('#{');
}

/**
 * A kind whose documents own a variable set. Applying one is two writes: the owner (through
 * `toPayload`, not for project variables) and then `PUT /variables/{VariableSetId}` with
 * `variableSetPayload`. Suggested for types.ts; kept here while only variable kinds need it.
 */
export interface VariableSetOwner extends Kind {
  /**
   * The variable set to PUT for a document: variables with names resolved to the destination's
   * ids. `existing` is the destination's current set (default: the one its RefTable holds, when
   * `variables` was read); desired variables are matched to its variables by Name + Scope to
   * reuse their `Id` — so a sensitive variable the document gives no value keeps its secret —
   * and its `Id`, `OwnerId` and `Version` are carried. Without one, the payload has no `Id` or
   * `Version` (the create case: the caller reads the new owner's set for them).
   */
  variableSetPayload(doc: KindDocument, ids: IdResolver, existing?: JsonObject): JsonObject;
}

// ---------------------------------------------------------------------------------------------
// Live → document.

/** A project's processes, for the Action and ProcessOwner scopes. */
export interface ProjectProcesses {
  projectId: string;
  projectName: string;
  /** Lower-cased action id → document name (`Action` or `Runbook/Action`). */
  actions: Map<string, string>;
  /** Lower-cased runbook id → runbook name. */
  runbooks: Map<string, string>;
}

/** Lookups over a live space, built once per snapshot (the kinds read many projects at a time). */
export interface SpaceIndex {
  /** A resource of a collection by id (case-insensitive). */
  byId(collection: string, id: Json | undefined): JsonObject | undefined;
  /** The runbooks of a project. */
  runbooksOf(projectId: string): JsonObject[];
}

export function indexSpace(live: LiveSpace): SpaceIndex {
  const maps = new Map<string, Map<string, JsonObject>>();
  const mapOf = (collection: string) => {
    let map = maps.get(collection);
    if (!map) {
      map = new Map((live[collection] ?? []).filter((r) => typeof r.Id === 'string').map((r) => [String(r.Id).toLowerCase(), r]));
      maps.set(collection, map);
    }
    return map;
  };
  const runbooks = new Map<string, JsonObject[]>();
  for (const runbook of live.runbooks ?? []) {
    const key = String(runbook.ProjectId).toLowerCase();
    runbooks.set(key, [...(runbooks.get(key) ?? []), runbook]);
  }
  return {
    byId: (collection, id) => (typeof id === 'string' ? mapOf(collection).get(id.toLowerCase()) : undefined),
    runbooksOf: (projectId) => runbooks.get(projectId.toLowerCase()) ?? [],
  };
}

/**
 * Indexes the actions of a project's deployment process and runbook processes. Processes are
 * found through the project's `DeploymentProcessId` and the runbooks' `RunbookProcessId`, never by
 * `ProjectId`: the space-wide list may also hold release snapshots of a process.
 */
export function projectProcesses(index: SpaceIndex, project: JsonObject): ProjectProcesses {
  const projectId = String(project.Id);
  const actions = new Map<string, string>();
  const runbooks = new Map<string, string>();
  for (const action of actionsOf(index.byId('deploymentprocesses', project.DeploymentProcessId))) {
    actions.set(String(action.Id).toLowerCase(), String(action.Name));
  }
  for (const runbook of index.runbooksOf(projectId)) {
    const runbookName = String(runbook.Name);
    runbooks.set(String(runbook.Id).toLowerCase(), runbookName);
    for (const action of actionsOf(index.byId('runbookProcesses', runbook.RunbookProcessId))) {
      actions.set(String(action.Id).toLowerCase(), `${runbookName}/${String(action.Name)}`);
    }
  }
  return { projectId, projectName: String(project.Name), actions, runbooks };
}

export interface NormalizeContext {
  /** Where problems are reported: `project variables 'Web Shop'`. */
  where: string;
  /** The owning project's processes; absent for a library variable set. */
  project?: ProjectProcesses;
}

/** A variable set's variables as a document holds them, in a stable order. */
export function normalizeVariables(variables: Json | undefined, names: NameResolver, context: NormalizeContext): JsonObject[] {
  return sortVariables(asArray(variables).filter(isObject).map((variable) => normalizeVariable(variable, names, context)));
}

/** The fields of a variable that normalizing writes; any other is kept as the server gave it. */
const NORMALIZED_FIELDS = ['Id', 'Name', 'Value', 'Description', 'Scope', 'Prompt', 'IsEditable', 'IsSensitive', 'Type'];

export function normalizeVariable(variable: JsonObject, names: NameResolver, context: NormalizeContext): JsonObject {
  const name = String(variable.Name);
  const where = `${context.where} variable '${name}'`;
  const { Value, Description, Scope, Prompt, IsEditable, IsSensitive, Type } = variable;
  const given = typeof Type === 'string' && Type !== '' ? Type : IsSensitive === true ? 'Sensitive' : 'String';
  const sensitive = IsSensitive === true || given === 'Sensitive';
  const type = sensitive && given === 'String' ? 'Sensitive' : given;
  const value = sensitive ? undefined : documentValue(Value, type, names, `${where} Value`);
  const scope = normalizeScope(Scope, names, context, where);
  // Built in canonical order (core/canonical.ts: Name, Description, then sorted), not built and
  // then copied into it: a large instance has hundreds of thousands of variables.
  const body: JsonObject = { Name: name };
  if (typeof Description === 'string' && Description !== '') body.Description = Description;
  if (IsEditable === false) body.IsEditable = false;
  if (sensitive) body.IsSensitive = true;
  if (isObject(Prompt)) body.Prompt = canonicalize(Prompt);
  if (Object.keys(scope).length > 0) body.Scope = scope;
  body.Type = type;
  if (value !== undefined) body.Value = value;
  // A field the server adds that normalizing does not know is kept, in its canonical place.
  if (Object.keys(variable).some((key) => !NORMALIZED_FIELDS.includes(key))) return canonicalize({ ...without(variable, NORMALIZED_FIELDS), ...body });
  return body;
}

function documentValue(value: Json | undefined, type: string, names: NameResolver, where: string): string {
  const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  const collection = valueCollection(type);
  if (!collection || text === '' || isExpression(text)) return text;
  return names.name(collection, text, where);
}

function normalizeScope(scope: Json | undefined, names: NameResolver, context: NormalizeContext, where: string): JsonObject {
  const result: JsonObject = {};
  if (!isObject(scope)) return result;
  for (const [field, raw] of Object.entries(scope)) {
    const values = asArray(raw).filter((value): value is string => typeof value === 'string' && value !== '');
    if (values.length === 0) continue;
    const fieldWhere = `${where} ${field} scope`;
    const named = values.map((value) => scopeName(field, value, names, context, fieldWhere));
    result[field] = [...new Set(named)].sort(compareNames);
  }
  // Each field is a new sorted list of names: with its fields in canonical order, the scope is canonical as built.
  const fields = Object.keys(result);
  if (fields.every((field, index) => index === 0 || compareKeys(fields[index - 1] as string, field) < 0)) return result;
  const ordered: JsonObject = {};
  for (const field of fields.sort(compareKeys)) ordered[field] = result[field] as Json;
  return ordered;
}

function scopeName(field: string, id: string, names: NameResolver, context: NormalizeContext, where: string): string {
  const collection = SCOPE_COLLECTIONS[field];
  if (collection) return names.name(collection, id, where);
  const project = context.project;
  if (PROJECT_SCOPES.has(field) && !project) {
    names.problems.push({ where, message: `a library variable set's variable cannot be scoped by ${field} ('${id}')` });
    return id;
  }
  if (field === 'Channel') return names.name('channels', id, where);
  if (field === 'Action' && project) {
    const name = project.actions.get(id.toLowerCase());
    if (name !== undefined) return name;
    names.problems.push({ where, message: `refers to step action '${id}', which is in no process of project '${project.projectName}'` });
    return id;
  }
  if (field === 'ProcessOwner' && project) {
    if (sameId(id, project.projectId)) return project.projectName;
    const runbook = project.runbooks.get(id.toLowerCase());
    if (runbook === undefined) {
      names.problems.push({ where, message: `refers to process owner '${id}', which is neither project '${project.projectName}' nor one of its runbooks` });
      return id;
    }
    if (runbook.toLowerCase() === project.projectName.toLowerCase()) {
      names.problems.push({ where, message: `refers to runbook '${runbook}', which has its project's name: the scope would read as the deployment process` });
    }
    return runbook;
  }
  // Role and TargetRole are role names, TenantTag canonical tag names; the rest is kept as is.
  return id;
}

/**
 * Stable order: by Name (case-insensitive), then scope, then value, so the server's order (or
 * a shuffle) never shows up as a diff. Same-named variables are grouped, as the portal shows them.
 */
export function sortVariables(variables: JsonObject[]): JsonObject[] {
  // The whole variable's JSON breaks the rare tie that remains: written only when it is needed.
  const keyed = variables.map((variable) => ({ variable, scope: scopeKey(variable.Scope), value: typeof variable.Value === 'string' ? variable.Value : '', json: undefined as string | undefined }));
  const json = (entry: (typeof keyed)[number]) => (entry.json ??= JSON.stringify(entry.variable));
  keyed.sort(
    (a, b) =>
      compareNames(String(a.variable.Name), String(b.variable.Name)) ||
      compareStrings(a.scope, b.scope) ||
      compareStrings(a.value, b.value) ||
      compareStrings(json(a), json(b)),
  );
  return keyed.map((entry) => entry.variable);
}

/** A scope as one string, independent of key and value order and of case: `Environment=a,b;Role=web`. */
export function scopeKey(scope: Json | undefined): string {
  if (!isObject(scope)) return '';
  return Object.entries(scope)
    .map(([field, values]) => [field, asArray(values).map((value) => String(value).toLowerCase()).sort()] as const)
    .filter(([, values]) => values.length > 0)
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([field, values]) => `${field}=${[...new Set(values)].join(',')}`)
    .join(';');
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// Document → payload.

export interface PayloadContext {
  /** Where problems are reported: `project variables 'Web Shop'`. */
  where: string;
  /** The owning project's id in the destination (project variables only). */
  projectId?: string;
}

/**
 * A document's variables as the API takes them, names resolved to the destination's ids. A name
 * that does not resolve is a problem naming the variable and the value, and the name is left in
 * place (never dropped: a scoped variable must not widen into an unscoped one; the server
 * rejects the name if the problem is ignored).
 */
export function variablesPayload(variables: Json | undefined, ids: IdResolver, context: PayloadContext, existing?: JsonObject): JsonObject[] {
  const reusable = new Map<string, JsonObject[]>();
  for (const variable of asArray(existing?.Variables).filter(isObject)) {
    const key = identityKey(variable.Name, variable.Scope);
    reusable.set(key, [...(reusable.get(key) ?? []), variable]);
  }
  return asArray(variables)
    .filter(isObject)
    .map((variable) => {
      const payload = variablePayload(variable, ids, context);
      // One existing variable per desired one: duplicates (same Name and Scope) pair up in order.
      const match = reusable.get(identityKey(payload.Name, payload.Scope))?.shift();
      if (match && typeof match.Id === 'string') payload.Id = match.Id;
      return payload;
    });
}

function identityKey(name: Json | undefined, scope: Json | undefined): string {
  return `${String(name).toLowerCase()}\u0000${scopeKey(scope)}`;
}

export function variablePayload(variable: JsonObject, ids: IdResolver, context: PayloadContext): JsonObject {
  const name = String(variable.Name);
  const where = `${context.where} variable '${name}'`;
  const { Value, Description, Scope, Prompt, IsEditable, IsSensitive, Type, ...rest } = variable;
  const declared = typeof Type === 'string' && Type !== '' ? Type : 'String';
  const sensitive = IsSensitive === true || declared === 'Sensitive';
  const type = sensitive ? 'Sensitive' : declared;
  return {
    ...rest,
    Name: name,
    // A sensitive variable's value comes from an overlay, if at all; null keeps the stored one.
    Value: sensitive ? (typeof Value === 'string' ? Value : null) : payloadValue(Value, type, ids, `${where} Value`),
    Description: typeof Description === 'string' ? Description : null,
    Scope: scopePayload(Scope, ids, context, where),
    IsEditable: IsEditable !== false,
    Prompt: isObject(Prompt) ? Prompt : null,
    Type: type,
    IsSensitive: sensitive,
  };
}

function payloadValue(value: Json | undefined, type: string, ids: IdResolver, where: string): string {
  const text = typeof value === 'string' ? value : value === null || value === undefined ? '' : JSON.stringify(value);
  const collection = valueCollection(type);
  if (!collection || text === '' || isExpression(text)) return text;
  return ids.id(collection, text, where) || text;
}

function scopePayload(scope: Json | undefined, ids: IdResolver, context: PayloadContext, where: string): JsonObject {
  const result: JsonObject = {};
  if (!isObject(scope)) return result;
  // Fields in canonical order, each a new sorted list of names: the scope is canonical as built.
  for (const field of Object.keys(scope).sort(compareKeys)) {
    const values = asArray(scope[field]).filter((value): value is string => typeof value === 'string' && value !== '');
    if (values.length === 0) continue;
    result[field] = values.map((value) => scopeId(field, value, ids, context, `${where} ${field} scope`));
  }
  return result;
}

function scopeId(field: string, name: string, ids: IdResolver, context: PayloadContext, where: string): string {
  const collection = SCOPE_COLLECTIONS[field];
  if (collection) return ids.id(collection, name, where) || name;
  const projectId = context.projectId;
  if (PROJECT_SCOPES.has(field) && projectId === undefined) {
    ids.problems.push({ where, message: `only a project's variables can be scoped by ${field} ('${name}')` });
    return name;
  }
  if (field === 'Channel') return ids.id('channels', name, where, projectId) || name;
  if (field === 'Action' && projectId !== undefined) return actionId(ids, projectId, name, where) ?? name;
  if (field === 'ProcessOwner' && projectId !== undefined) {
    const projectName = ids.table.nameOf('projects', projectId);
    if (projectName !== undefined && projectName.toLowerCase() === name.toLowerCase()) return projectId;
    return ids.id('runbooks', name, where, projectId) || name;
  }
  if (field === 'TenantTag') checkTenantTag(ids, name, where);
  return name;
}

/** The id of a step action named `Action` (deployment process) or `Runbook/Action` (a runbook's process). */
function actionId(ids: IdResolver, projectId: string, name: string, where: string): string | undefined {
  const table = ids.table;
  const project = table.resource('projects', projectId);
  const deployment = resourceAt(table, 'deploymentprocesses', project?.DeploymentProcessId);
  const direct = actionNamed(deployment, name);
  if (direct !== undefined) return direct;
  // Runbook names may hold `/` too: try each split, the runbook decides.
  for (let slash = name.indexOf('/'); slash !== -1; slash = name.indexOf('/', slash + 1)) {
    const runbookId = table.idOf('runbooks', name.slice(0, slash), projectId);
    const runbook = runbookId === undefined ? undefined : table.resource('runbooks', runbookId);
    const found = actionNamed(resourceAt(table, 'runbookProcesses', runbook?.RunbookProcessId), name.slice(slash + 1));
    if (found !== undefined) return found;
  }
  const projectName = table.nameOf('projects', projectId) ?? projectId;
  ids.problems.push({ where, message: `refers to step '${name}', which is in no process of project '${projectName}' in the destination` });
  return undefined;
}

function checkTenantTag(ids: IdResolver, canonical: string, where: string): void {
  const slash = canonical.indexOf('/');
  const tagSetId = slash === -1 ? undefined : ids.table.idOf('tagsets', canonical.slice(0, slash));
  const tagSet = tagSetId === undefined ? undefined : ids.table.resource('tagsets', tagSetId);
  const tag = canonical.slice(slash + 1).toLowerCase();
  if (tagSet && asArray(tagSet.Tags).some((t) => isObject(t) && String(t.Name).toLowerCase() === tag)) return;
  ids.problems.push({ where, message: `refers to tenant tag '${canonical}', which does not exist in the destination` });
}

/**
 * The variable set to PUT: the existing set's `Id`, `OwnerId` and `Version` (optimistic
 * concurrency) with the desired variables; or, without an existing set, the variables and the
 * owner when known.
 */
export function variableSetBody(variables: JsonObject[], existing: JsonObject | undefined, ownerId: string | undefined): JsonObject {
  if (existing) return { Id: existing.Id ?? null, OwnerId: existing.OwnerId ?? ownerId ?? null, Version: existing.Version ?? null, Variables: variables };
  return ownerId === undefined ? { Variables: variables } : { OwnerId: ownerId, Variables: variables };
}

/** The destination's variable set of an owner, when the table holds it (`variables` was read). */
export function existingVariableSet(table: RefTable, ownerCollection: string, ownerId: string | undefined): JsonObject | undefined {
  if (ownerId === undefined) return undefined;
  return resourceAt(table, 'variables', table.resource(ownerCollection, ownerId)?.VariableSetId);
}

// ---------------------------------------------------------------------------------------------
// References, for validate.

/** The kind a scope field's values are names of (Action is left out: steps are not documents of their own). */
const SCOPE_KINDS: Readonly<Record<string, DocumentReference['kind']>> = {
  Environment: 'environments',
  Machine: 'deployment-targets',
  Tenant: 'tenants',
  Project: 'projects',
  TenantTag: 'tag-sets',
};

/** The kind the `Value` of a typed variable names. */
function valueKind(type: string): DocumentReference['kind'] | undefined {
  const collection = valueCollection(type);
  return collection === 'certificates' ? 'certificates' : collection === 'workerpools' ? 'worker-pools' : collection === 'accounts' ? 'accounts' : undefined;
}

/**
 * The names a document's variables refer to, with JSON pointers under `pointer` (`/Variables`).
 * `project` is the owning project's name (project variables): channels and runbooks are named
 * within it, and a ProcessOwner equal to it is the project itself.
 */
export function variableReferences(variables: Json | undefined, pointer: string, project?: string): DocumentReference[] {
  const refs: DocumentReference[] = [];
  asArray(variables).forEach((variable, index) => {
    if (!isObject(variable)) return;
    const at = `${pointer}/${index}`;
    const kind = typeof variable.Type === 'string' ? valueKind(variable.Type) : undefined;
    if (kind && typeof variable.Value === 'string' && variable.Value !== '' && !isExpression(variable.Value)) {
      refs.push({ pointer: `${at}/Value`, kind, name: variable.Value });
    }
    const scope = isObject(variable.Scope) ? variable.Scope : {};
    for (const [field, values] of Object.entries(scope)) {
      asArray(values).forEach((value, i) => {
        if (typeof value !== 'string') return;
        const ref = scopeReference(field, value, project);
        if (ref) refs.push({ pointer: `${at}/Scope/${escapeName(field)}/${i}`, ...ref });
      });
    }
  });
  return refs;
}

function scopeReference(field: string, name: string, project: string | undefined): Omit<DocumentReference, 'pointer'> | undefined {
  const kind = SCOPE_KINDS[field];
  if (kind) return { kind, name };
  if (project === undefined) return undefined;
  if (field === 'Channel') return { kind: 'channels', name, project };
  if (field === 'ProcessOwner') return name.toLowerCase() === project.toLowerCase() ? { kind: 'projects', name } : { kind: 'runbooks', name, project };
  return undefined;
}


// ---------------------------------------------------------------------------------------------
// Small helpers.

function resourceAt(table: RefTable, collection: string, id: Json | undefined): JsonObject | undefined {
  return typeof id === 'string' && id !== '' ? table.resource(collection, id) : undefined;
}

function actionsOf(process: JsonObject | undefined): JsonObject[] {
  return asArray(process?.Steps)
    .filter(isObject)
    .flatMap((step) => asArray(step.Actions).filter(isObject));
}

function actionNamed(process: JsonObject | undefined, name: string): string | undefined {
  const action = actionsOf(process).find((a) => String(a.Name).toLowerCase() === name.toLowerCase());
  return typeof action?.Id === 'string' ? action.Id : undefined;
}

/** Octopus ids compare case-insensitively. */
export function sameId(a: Json | undefined, b: Json | undefined): boolean {
  return typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();
}
