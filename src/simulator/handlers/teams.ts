// Teams and scoped user roles are served per space (`/api/{spaceId}/teams`: that space's
// teams plus the system teams) and server-wide (`/api/teams`: every space's and the system
// teams, narrowed by `spaces` and `includeSystem`).
import { filterDocs, page, present } from '../collection.js';
import { notFound } from '../http-error.js';
import type { ResourceDef } from '../resource-def.js';
import { scopedUserRoles, teams } from '../resources/teams.js';
import type { Call, Handler, Routes } from '../routes.js';
import type { Doc } from '../store.js';
import { crudHandlers } from './crud.js';

export function registerTeams(routes: Routes): void {
  for (const def of [teams, scopedUserRoles]) {
    const crud = crudHandlers(def);
    const base = `/${def.collection}`;
    routes.space('GET', base, crud.list, { defaultForm: false });
    routes.space('GET', `${base}/all`, crud.all, { defaultForm: false });
    routes.space('GET', `${base}/:id`, crud.get, { defaultForm: false });
    routes.space('POST', base, crud.create);
    routes.space('PUT', `${base}/:id`, crud.update);
    routes.space('DELETE', `${base}/:id`, crud.delete);
    routes.system('GET', base, (call) => ({ status: 200, body: page(call, def.itemType, serverWide(call, def)) }));
    routes.system('GET', `${base}/all`, (call) => ({ status: 200, body: serverWide(call, def) }));
    routes.system('GET', `${base}/:id`, serverWideGet(def));
  }

  routes.space('GET', '/teams/:id/scopeduserroles', (call) => {
    const team = call.instance.get('teams', call.spaceId, call.params.id ?? '');
    const roles = call.instance.store.list('scopeduserroles').filter((role) => role.TeamId === team.Id);
    return { status: 200, body: page(call, scopedUserRoles.itemType, roles.map((doc) => present(scopedUserRoles, doc))) };
  });
}

function serverWide(call: Call, def: ResourceDef): Doc[] {
  const spaces = call.query.get('spaces')?.split(',').filter((s) => s !== '');
  const includeSystem = call.query.get('includeSystem') !== 'false';
  const docs = call.instance.store.list(def.collection).filter((doc) => {
    const space = (doc.SpaceId as string | null | undefined) ?? null;
    return space === null ? includeSystem : !spaces || spaces.includes(space);
  });
  return filterDocs(docs, call.query, def)
    .sort((a, b) => String(a.Name ?? a.Id).localeCompare(String(b.Name ?? b.Id)))
    .map((doc) => present(def, doc));
}

function serverWideGet(def: ResourceDef): Handler {
  return (call) => {
    const id = call.params.id ?? '';
    const doc = call.instance.store.get(def.collection, id);
    if (!doc) throw notFound(id);
    return { status: 200, body: present(def, doc) };
  };
}
