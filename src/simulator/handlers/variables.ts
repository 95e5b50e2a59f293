// Variable set routes: `GET|PUT /variables/{id}`, the space-wide `GET /variables/all` (a bare
// array, `ids` filter) and the project-scoped `GET|PUT /projects/{idOrSlug}/variables`.
// Every read carries `ScopeValues`, computed from the space as it is now.
import { filterDocs, present } from '../collection.js';
import type { Instance } from '../instance.js';
import { ScopeLookups, scopeValues, variableSets } from '../resources/variable-sets.js';
import type { Call, Reply, Routes } from '../routes.js';
import type { Doc } from '../store.js';
import { findProject } from './project-routes.js';

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
  return { status: 200, body: presentVariableSet(call.instance, call.instance.update('variables', call.spaceId, id, call.body)) };
}

function projectVariableSetId(call: Call): string {
  return String(findProject(call.instance, call.spaceId, call.params.projectId ?? '').VariableSetId);
}
