// `PUT /{collection}/sortorder` with an array of ids: the new order of a sorted collection.
import { badRequest } from '../http-error.js';
import type { ResourceDef } from '../resource-def.js';
import type { Routes } from '../routes.js';

export function registerSortOrder(routes: Routes, defs: ResourceDef[]): void {
  for (const def of defs) {
    routes.space('PUT', `/${def.collection}/sortorder`, (call) => {
      if (!Array.isArray(call.body) || call.body.some((id) => typeof id !== 'string')) {
        throw badRequest('The request body must be an array of ids.');
      }
      const ids = call.body as string[];
      const docs = ids.map((id) => call.instance.get(def.collection, call.spaceId, id));
      docs.forEach((doc, index) => call.instance.update(def.collection, call.spaceId, doc.Id, { ...doc, SortOrder: index }));
      return { status: 200 };
    });
  }
}
