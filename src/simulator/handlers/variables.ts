// Variable set routes: `GET|PUT /variables/{id}`, the space-wide `GET /variables/all` (a bare
// array, `ids` filter) and the project-scoped `GET|PUT /projects/{idOrSlug}/variables`.
// Every read carries `ScopeValues`, computed from the space as it is now.
import { filterDocs, present } from '../collection.js';
import type { Instance } from '../instance.js';
import { ScopeLookups, scopeValues, variableSets } from '../resources/variable-sets.js';
import type { Call, Reply, Routes } from '../routes.js';
import type { Doc } from '../store.js';
import { findProject } from './project-routes.js';
import { asJson, variablesInGit } from '../resources/version-control.js';
import { validationFailed } from '../http-error.js';

export function registerVariables(routes: Routes): void {
  routes.space('GET', '/variables/all', (call) => {
    const docs = filterDocs(call.instance.list('variables', call.spaceId), call.query);
    const lookups = new ScopeLookups(call.instance, call.spaceId);
    return { status: 200, body: docs.map((doc) => presentVariableSet(call.instance, doc, lookups)) };
  });
  routes.space('GET', '/variables/:id', (call) => read(call, call.params.id ?? ''));
  routes.space('PUT', '/variables/:id', (call) => write(call, call.params.id ?? ''));
  routes.space('GET', '/projects/:projectId/variables', (call) => read(call, projectVariableSetId(call)));
  routes.space('PUT', '/projects/:projectId/variables', (call) => write(call, projectVariableSetId(call)));
}

/** A variable set as the API shows it: the stored document, `ScopeValues`, then `Links`. */
export function presentVariableSet(instance: Instance, doc: Doc, lookups?: ScopeLookups): Doc {
  const { Links, ...rest } = present(variableSets, doc);
  const shared = lookups ?? new ScopeLookups(instance, (doc.SpaceId as string | null | undefined) ?? null);
  return { ...rest, ScopeValues: scopeValues(shared, doc), Links } as Doc;
}

function read(call: Call, id: string): Reply {
  return { status: 200, body: presentVariableSet(call.instance, call.instance.get('variables', call.spaceId, id)) };
}

function write(call: Call, id: string): Reply {
  refuseGitVariables(call, id);
  return { status: 200, body: presentVariableSet(call.instance, call.instance.update('variables', call.spaceId, id, call.body)) };
}

function projectVariableSetId(call: Call): string {
  return String(findProject(call.instance, call.spaceId, call.params.projectId ?? '').VariableSetId);
}

/**
 * A version-controlled project whose variables were converted keeps only its sensitive variables
 * in the database: a database write carrying another is refused (our wording; Octopus's
 * Config-as-Code reference says where each kind of variable lives).
 */
function refuseGitVariables(call: Call, id: string): void {
  const set = call.instance.find('variables', call.spaceId, id);
  const owner = set ? call.instance.find('projects', call.spaceId, String(set.OwnerId)) : undefined;
  if (!variablesInGit(owner)) return;
  const body = asJson(call.body);
  const plain = (Array.isArray(body.Variables) ? body.Variables : []).map(asJson).filter((v) => v.IsSensitive !== true && v.Type !== 'Sensitive');
  if (plain.length > 0) {
    throw validationFailed(plain.map((v) => `Variable '${String(v.Name)}': the non-sensitive variables of a version-controlled project are stored in Git; save them through /projects/{projectId}/{gitRef}/variables.`));
  }
}
