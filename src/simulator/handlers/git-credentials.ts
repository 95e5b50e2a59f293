// Git credential routes as the 2026 reference documents them: a paged list (no `/all`), get,
// update and delete by id, and a create that answers only the new `Id` and `Links`.
import { present } from '../collection.js';
import { gitCredentials } from '../resources/git-credentials.js';
import type { Routes } from '../routes.js';
import { crudHandlers } from './crud.js';

export function registerGitCredentials(routes: Routes): void {
  const crud = crudHandlers(gitCredentials);
  const base = `/${gitCredentials.collection}`;
  routes.space('GET', base, crud.list);
  routes.space('GET', `${base}/:id`, crud.get);
  routes.space('PUT', `${base}/:id`, crud.update);
  routes.space('DELETE', `${base}/:id`, crud.delete);
  routes.space('POST', base, (call) => {
    const { Id, Links } = present(gitCredentials, call.instance.create(gitCredentials.collection, call.spaceId, call.body));
    return { status: 201, body: { Id, Links } };
  });
}
