// Parent environments (2026 reference, parent-environments.md): `POST /parentEnvironments`
// (answers `{Id}` with 201), `GET|PUT|DELETE /parentEnvironments/{id}`; and the environments
// list that shows static and parent environments with their `Type`, `GET /environments/v2`
// (skip and take required, filters `ids`, `name`, `partialName`, `type`).
import { filterDocs, present } from '../collection.js';
import type { Call, Reply, Routes } from '../routes.js';
import type { Doc } from '../store.js';
import { parentEnvironments } from '../resources/parent-environments.js';
import { crudHandlers } from './crud.js';

export function registerParentEnvironments(routes: Routes): void {
  const crud = crudHandlers(parentEnvironments);
  routes.space('POST', '/parentEnvironments', (call) => {
    const created = crud.create(call);
    return { status: 201, body: { Id: (created.body as Doc).Id } };
  }, { defaultForm: false });
  routes.space('GET', '/parentEnvironments/:id', (call) => withoutLinks(crud.get(call)), { defaultForm: false });
  routes.space('PUT', '/parentEnvironments/:id', (call) => withoutLinks(crud.update(call)), { defaultForm: false });
  routes.space('DELETE', '/parentEnvironments/:id', crud.delete, { defaultForm: false });
  routes.space('GET', '/environments/v2', listV2, { defaultForm: false });
}

/** The parent environment resource has no Links in the reference. */
function withoutLinks(reply: Reply): Reply {
  const { Links: _links, ...body } = reply.body as Doc;
  return { ...reply, body };
}

function listV2(call: Call): Reply {
  const statics = call.instance.list('environments', call.spaceId).map((doc) => summary(doc, 'Static'));
  const parents = call.instance.list('parentEnvironments', call.spaceId).map((doc) => summary(doc, 'Parent'));
  const types = (call.query.get('type') ?? '').split(',').map((t) => t.trim().toLowerCase()).filter((t) => t !== '');
  const name = call.query.get('name')?.toLowerCase();
  let docs = filterDocs([...statics, ...parents], call.query).filter((doc) => types.length === 0 || types.includes(String(doc.Type).toLowerCase()));
  if (name) docs = docs.filter((doc) => String(doc.Name).toLowerCase() === name);
  const skip = Number.parseInt(call.query.get('skip') ?? '0', 10) || 0;
  const take = Number.parseInt(call.query.get('take') ?? '10', 10);
  const size = Number.isFinite(take) && take > 0 ? take : 10;
  const pages = Math.max(1, Math.ceil(docs.length / size));
  return {
    status: 200,
    body: { ItemType: 'Environment', TotalResults: docs.length, ItemsPerPage: size, NumberOfPages: pages, LastPageNumber: pages - 1, Items: docs.slice(skip, skip + size) },
  };
}

function summary(doc: Doc, type: 'Static' | 'Parent'): Doc {
  const shown = present({ collection: 'environments', idPrefix: 'Environments', itemType: 'Environment', scope: 'space', defaults: () => ({}) }, doc);
  return { Id: doc.Id, Name: shown.Name, Description: shown.Description ?? null, Slug: shown.Slug, SpaceId: shown.SpaceId, EnvironmentTags: shown.EnvironmentTags ?? [], Type: type };
}
