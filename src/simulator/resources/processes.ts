// STUB: deployment and runbook processes (filled in by the processes work).
import type { Instance } from '../instance.js';
import type { ResourceDef } from '../resource-def.js';

export const deploymentProcesses: ResourceDef = {
  collection: 'deploymentprocesses',
  idPrefix: 'deploymentprocess',
  itemType: 'DeploymentProcess',
  scope: 'space',
  sortBy: 'Id',
  uniqueName: false,
  versioned: true,
  defaults: () => ({ ProjectId: null, Steps: [], LastSnapshotId: null }),
};

export const runbookProcesses: ResourceDef = { ...deploymentProcesses, collection: 'runbookProcesses', idPrefix: 'RunbookProcess', itemType: 'RunbookProcess' };

export function createProcess(instance: Instance, collection: string, id: string, fields: Record<string, unknown>, spaceId: string | null): void {
  instance.saveOwned(collection, { Id: id, SpaceId: spaceId, Steps: [], LastSnapshotId: null, ...fields }, 'Created');
}
