import { badRequest } from '../http-error.js';
import type { ResourceDef } from '../resource-def.js';
import { checkOneOf, nextSortOrder } from './common.js';

export const workerPools: ResourceDef = {
  collection: 'workerpools',
  idPrefix: 'WorkerPools',
  itemType: 'WorkerPool',
  scope: 'space',
  sortBy: 'SortOrder',
  slug: true,
  required: ['Name'],
  createOnly: ['WorkerPoolType'],
  serverManaged: ['CanAddWorkers'],
  defaults: () => ({ Name: '', Description: null, IsDefault: false, WorkerPoolType: 'StaticWorkerPool' }),
  validate: (doc) => checkOneOf(doc, 'WorkerPoolType', ['StaticWorkerPool', 'DynamicWorkerPool']),
  prepare: (doc, ctx) => {
    if (typeof doc.SortOrder !== 'number') {
      doc.SortOrder = ctx.previous?.SortOrder ?? nextSortOrder(ctx.instance, 'workerpools', ctx.spaceId);
    }
    doc.CanAddWorkers = doc.WorkerPoolType === 'StaticWorkerPool';
    if (doc.WorkerPoolType === 'DynamicWorkerPool' && doc.WorkerType === undefined) doc.WorkerType = 'Ubuntu1804';
    // One default pool per space: making this one the default unsets the others (inferred).
    if (doc.IsDefault === true) {
      for (const other of ctx.instance.visible('workerpools', ctx.spaceId)) {
        if (other.Id !== doc.Id && other.IsDefault === true) other.IsDefault = false;
      }
    }
  },
  beforeDelete: (doc) => {
    if (doc.IsDefault === true) throw badRequest('The default worker pool cannot be deleted.');
  },
};
