import { badRequest } from '../http-error.js';
import type { ResourceDef } from '../resource-def.js';
import { checkOneOf, nextSortOrder } from './common.js';

/** The worker types Octopus Cloud's dynamic worker service offers (ids and dates are the simulator's). */
export const DYNAMIC_WORKER_TYPES = [
  { Id: 'vm-ubuntu-default', Type: 'UbuntuDefault', Description: 'Ubuntu (default)' },
  { Id: 'vm-windows-default', Type: 'WindowsDefault', Description: 'Windows (default)' },
  { Id: 'vm-ubuntu-2204', Type: 'Ubuntu2204', Description: 'Ubuntu 22.04' },
  { Id: 'vm-windows-2022', Type: 'Windows2022', Description: 'Windows Server 2022' },
  { Id: 'vm-windows-2019', Type: 'Windows2019', Description: 'Windows Server 2019' },
  { Id: 'vm-ubuntu-1804', Type: 'Ubuntu1804', Description: 'Ubuntu 18.04 (deprecated)' },
];

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
  validate: (doc, ctx) => [
    ...checkOneOf(doc, 'WorkerPoolType', ['StaticWorkerPool', 'DynamicWorkerPool']),
    // Dynamic workers are leased from Octopus Cloud's dynamic worker service; a self-hosted server has none.
    ...(doc.WorkerPoolType === 'DynamicWorkerPool' && ctx.instance.settings.flavour !== 'cloud' && !ctx.previous
      ? ['WorkerPoolType: dynamic worker pools are only available on Octopus Cloud.']
      : []),
    ...(doc.WorkerPoolType === 'DynamicWorkerPool' && doc.WorkerType !== undefined && !DYNAMIC_WORKER_TYPES.some((t) => t.Type === doc.WorkerType)
      ? [`WorkerType: '${String(doc.WorkerType)}' is not one of ${DYNAMIC_WORKER_TYPES.map((t) => t.Type).join(', ')}.`]
      : []),
  ],
  prepare: (doc, ctx) => {
    if (typeof doc.SortOrder !== 'number') {
      doc.SortOrder = ctx.previous?.SortOrder ?? nextSortOrder(ctx.instance, 'workerpools', ctx.spaceId);
    }
    doc.CanAddWorkers = doc.WorkerPoolType === 'StaticWorkerPool';
    if (doc.WorkerPoolType === 'DynamicWorkerPool' && doc.WorkerType === undefined) doc.WorkerType = 'UbuntuDefault';
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
