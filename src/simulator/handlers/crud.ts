// The five routes every ordinary collection has: list, /all, get, create, update, delete.
import { filterDocs, page, present } from '../collection.js';
import type { ResourceDef } from '../resource-def.js';
import type { Handler, Routes } from '../routes.js';

export type CrudOperation = 'list' | 'all' | 'get' | 'create' | 'update' | 'delete';

export function crudHandlers(def: ResourceDef): Record<CrudOperation, Handler> {
  const { collection } = def;
  return {
    list: (call) => {
      const docs = filterDocs(call.instance.list(collection, call.spaceId), call.query, def);
      return { status: 200, body: page(call, def.itemType, docs.map((doc) => present(def, doc))) };
    },
    all: (call) => {
      const docs = filterDocs(call.instance.list(collection, call.spaceId), call.query, def);
      return { status: 200, body: docs.map((doc) => present(def, doc)) };
    },
    get: (call) => ({ status: 200, body: present(def, call.instance.get(collection, call.spaceId, call.params.id ?? '')) }),
    create: (call) => ({ status: 201, body: present(def, call.instance.create(collection, call.spaceId, call.body)) }),
    update: (call) => ({
      status: 200,
      body: present(def, call.instance.update(collection, call.spaceId, call.params.id ?? '', call.body)),
    }),
    delete: (call) => {
      call.instance.remove(collection, call.spaceId, call.params.id ?? '');
      return { status: 200 };
    },
  };
}

/** Registers the collection's routes; `only` limits them (read-mostly kinds). */
export function registerCrud(routes: Routes, def: ResourceDef, only?: CrudOperation[]): void {
  const handlers = crudHandlers(def);
  const base = `/${def.collection}`;
  const paths: Record<CrudOperation, [string, string]> = {
    list: ['GET', base],
    all: ['GET', `${base}/all`],
    get: ['GET', `${base}/:id`],
    create: ['POST', base],
    update: ['PUT', `${base}/:id`],
    delete: ['DELETE', `${base}/:id`],
  };
  for (const operation of only ?? (Object.keys(paths) as CrudOperation[])) {
    const [method, path] = paths[operation];
    if (def.scope === 'space') routes.space(method, path, handlers[operation]);
    else routes.system(method, path, handlers[operation]);
  }
}
