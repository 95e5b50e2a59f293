// STUB: tenant variable values (filled in by the tenant variables work).
import type { ResourceDef } from '../resource-def.js';

export const tenantVariables: ResourceDef = {
  collection: 'tenantvariables',
  idPrefix: 'TenantVariables',
  itemType: 'TenantVariable',
  scope: 'space',
  sortBy: 'Id',
  uniqueName: false,
  defaults: () => ({}),
};
