import { simpleKind } from '../simple-kind.js';

export const workerPools = simpleKind({
  name: 'worker-pools',
  title: 'worker pool',
  collection: 'workerpools',
  dependsOn: [],
  // CanAddWorkers follows from WorkerPoolType.
  drop: ['CanAddWorkers'],
});
