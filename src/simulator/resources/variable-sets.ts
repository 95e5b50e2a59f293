// STUB: owned variable sets (filled in by the variables work).
import type { Instance } from '../instance.js';
import type { ResourceDef } from '../resource-def.js';
import type { Doc } from '../store.js';

export const variableSets: ResourceDef = {
  collection: 'variables',
  idPrefix: 'variableset',
  itemType: 'VariableSet',
  scope: 'space',
  sortBy: 'Id',
  uniqueName: false,
  versioned: true,
  defaults: () => ({ OwnerId: null, Variables: [], ScopeValues: {} }),
};

export function createVariableSet(instance: Instance, owner: Doc, spaceId: string | null): void {
  instance.saveOwned('variables', { Id: `variableset-${owner.Id}`, OwnerId: owner.Id, SpaceId: spaceId, Variables: [] }, 'Created');
}

export function deleteVariableSet(instance: Instance, id: string): void {
  instance.store.remove('variables', id);
}
