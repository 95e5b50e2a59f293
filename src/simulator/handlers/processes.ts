// Process routes. Deployment processes: `GET|PUT /deploymentprocesses/{id}`, the space-wide
// `GET /deploymentprocesses` (a collection sorted by Id, `ids` filter) and the project route
// `GET|PUT /projects/{idOrSlug}/deploymentprocesses` that api-client's DeploymentProcessRepository
// uses. Runbook processes: `GET|PUT /runbookProcesses/{id}`, the space-wide `GET /runbookProcesses`
// and `GET /projects/{id}/runbookProcesses{/id}`, `PUT /projects/{id}/runbookProcesses/{id}`
// (api-client's RunbookProcessRepository). No `/deploymentprocesses/all` exists in any source.
import { filterDocs, page, present } from '../collection.js';
import { notFound } from '../http-error.js';
import type { ResourceDef } from '../resource-def.js';
import { deploymentProcesses, runbookProcesses } from '../resources/processes.js';
import type { Call, Reply, Routes } from '../routes.js';
import { crudHandlers } from './crud.js';
import { deprecated } from './server-configuration.js';
import { findProject } from './project-routes.js';
import { isVersionControlled, refusedInDatabase } from '../resources/version-control.js';
import { runbooksInGit } from '../resources/version-control-runbooks.js';
import type { Handler } from '../routes.js';

export function registerProcesses(routes: Routes): void {
  for (const def of [deploymentProcesses, runbookProcesses]) {
    const crud = crudHandlers(def);
    routes.space('GET', `/${def.collection}`, crud.list);
    routes.space('GET', `/${def.collection}/:id`, notInGit(crud.get));
    // The 2026 reference marks `PUT /deploymentprocesses/{id}` deprecated; the project route replaces it.
    routes.space('PUT', `/${def.collection}/:id`, def === deploymentProcesses ? deprecated('PUT /deploymentprocesses/{id}', notInGit(crud.update)) : crud.update);
  }

  const deployment = `/projects/:projectId/${deploymentProcesses.collection}`;
  routes.space('GET', deployment, (call) => ({ status: 200, body: present(deploymentProcesses, projectProcess(call)) }));
  routes.space('PUT', deployment, (call) => update(call, deploymentProcesses, projectProcess(call).Id));

  const runbook = `/projects/:projectId/${runbookProcesses.collection}`;
  routes.space('GET', runbook, listProjectRunbookProcesses);
  routes.space('GET', `${runbook}/:id`, (call) => ({ status: 200, body: present(runbookProcesses, projectRunbookProcess(call)) }));
  routes.space('PUT', `${runbook}/:id`, (call) => update(call, runbookProcesses, projectRunbookProcess(call).Id));
}

function update(call: Call, def: ResourceDef, id: string): Reply {
  return { status: 200, body: present(def, call.instance.update(def.collection, call.spaceId, id, call.body)) };
}

/**
 * A version-controlled project's process is in its Git repository: the database routes refuse
 * it as real servers do (`deploymentprocess-Projects-N` of such a project).
 */
function notInGit(handler: Handler): Handler {
  return (call) => {
    const owner = /^deploymentprocess-(.+)$/i.exec(call.params.id ?? '')?.[1];
    if (owner !== undefined && isVersionControlled(call.instance.find('projects', call.spaceId, owner))) throw refusedInDatabase();
    return handler(call);
  };
}

function projectProcess(call: Call) {
  const project = findProject(call.instance, call.spaceId, call.params.projectId ?? '');
  if (isVersionControlled(project)) throw refusedInDatabase();
  return call.instance.get(deploymentProcesses.collection, call.spaceId, String(project.DeploymentProcessId));
}

/** A runbook process addressed under a project must belong to that project. */
function projectRunbookProcess(call: Call) {
  const project = findProject(call.instance, call.spaceId, call.params.projectId ?? '');
  const id = call.params.id ?? '';
  const process = call.instance.get(runbookProcesses.collection, call.spaceId, id);
  if (process.ProjectId !== project.Id) throw notFound(id);
  return process;
}

function listProjectRunbookProcesses(call: Call): Reply {
  const project = findProject(call.instance, call.spaceId, call.params.projectId ?? '');
  if (runbooksInGit(project)) throw refusedInDatabase();
  const docs = filterDocs(call.instance.list(runbookProcesses.collection, call.spaceId), call.query).filter((doc) => doc.ProjectId === project.Id);
  return { status: 200, body: page(call, runbookProcesses.itemType, docs.map((doc) => present(runbookProcesses, doc))) };
}
