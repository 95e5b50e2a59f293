// Routes under a project: `/projects/{idOrSlug}`, its channels, runbooks and releases.
// Variables and processes under a project are registered with variables and processes.
import { filterDocs, page, present } from '../collection.js';
import { notFound } from '../http-error.js';
import { refusedInDatabase } from '../resources/version-control.js';
import { runbooksInGit } from '../resources/version-control-runbooks.js';
import type { Instance } from '../instance.js';
import { channels } from '../resources/channels.js';
import { projects } from '../resources/projects.js';
import { releases } from '../resources/releases.js';
import { runbooks } from '../resources/runbooks.js';
import type { ResourceDef } from '../resource-def.js';
import type { Call, Routes } from '../routes.js';
import type { Doc } from '../store.js';
import { crudHandlers } from './crud.js';

/** A project by id or by slug (`getProjectByIdOrSlug`). */
export function findProject(instance: Instance, spaceId: string | null, idOrSlug: string): Doc {
  const byId = instance.find('projects', spaceId, idOrSlug);
  if (byId) return byId;
  const wanted = idOrSlug.toLowerCase();
  const bySlug = instance.list('projects', spaceId).find((p) => String(p.Slug).toLowerCase() === wanted);
  if (!bySlug) throw notFound(idOrSlug);
  return bySlug;
}

export function registerProjectRoutes(routes: Routes): void {
  routes.space('GET', '/projects/:id', (call) => ({ status: 200, body: present(projects, findProject(call.instance, call.spaceId, call.params.id ?? '')) }));
  registerOwnedCollection(routes, channels);
  registerOwnedCollection(routes, runbooks);
  routes.space('GET', '/projects/:projectId/releases', (call) => listOwned(call, releases));
}

/** `/projects/{id}/<collection>` list, create, get, update and delete for a project's own documents. */
function registerOwnedCollection(routes: Routes, def: ResourceDef): void {
  const crud = crudHandlers(def);
  const base = `/projects/:projectId/${def.collection}`;
  const withProject = (call: Call): Call => {
    const project = findProject(call.instance, call.spaceId, call.params.projectId ?? '');
    const body = call.body && typeof call.body === 'object' ? { ...(call.body as object), ProjectId: project.Id } : call.body;
    return { ...call, body };
  };
  routes.space('GET', base, (call) => listOwned(call, def));
  routes.space('POST', base, (call) => crud.create(withProject(call)));
  routes.space('GET', `${base}/:id`, (call) => crud.get(ownedBy(call, def)));
  routes.space('PUT', `${base}/:id`, (call) => crud.update(withProject(ownedBy(call, def))));
  routes.space('DELETE', `${base}/:id`, (call) => crud.delete(ownedBy(call, def)));
}

function listOwned(call: Call, def: ResourceDef) {
  const project = findProject(call.instance, call.spaceId, call.params.projectId ?? '');
  if (def === runbooks && runbooksInGit(project)) throw refusedInDatabase();
  const docs = filterDocs(call.instance.list(def.collection, call.spaceId).filter((doc) => doc.ProjectId === project.Id), call.query, def);
  return { status: 200, body: page(call, def.itemType, docs.map((doc) => present(def, doc))) };
}

/** Checks that the addressed document belongs to the addressed project. */
function ownedBy(call: Call, def: ResourceDef): Call {
  const project = findProject(call.instance, call.spaceId, call.params.projectId ?? '');
  const doc = call.instance.get(def.collection, call.spaceId, call.params.id ?? '');
  if (doc.ProjectId !== project.Id) throw notFound(call.params.id ?? '');
  return call;
}
