import type { ResourceDef } from '../resource-def.js';
import type { Doc } from '../store.js';
import { checkTenantTags } from './common.js';

// A tenant's project connections are `ProjectEnvironments: { projectId: [environmentId] }`.
export const tenants: ResourceDef = {
  collection: 'tenants',
  idPrefix: 'Tenants',
  itemType: 'Tenant',
  scope: 'space',
  slug: true,
  required: ['Name'],
  createOnly: ['ClonedFromTenantId'],
  defaults: () => ({ Name: '', Description: null, TenantTags: [], ProjectEnvironments: {}, ClonedFromTenantId: null, IsDisabled: false, CustomFields: [], Icon: null }),
  references: [
    { field: 'ProjectEnvironments', collection: 'projects', ids: (doc) => Object.keys(connections(doc)) },
    { field: 'ProjectEnvironments', collection: 'environments', ids: (doc) => Object.values(connections(doc)).flat() },
  ],
  filters: {
    projectId: (doc, value) => value in connections(doc),
    tags: (doc, value) => value.split(',').every((tag) => (doc.TenantTags as string[]).some((t) => t.toLowerCase() === tag.toLowerCase())),
  },
  validate: (doc, ctx) => [
    ...checkTenantTags(ctx.instance, ctx.spaceId, doc.TenantTags),
    // An untenanted project cannot be connected to a tenant (inferred from the portal, which offers only tenanted projects).
    ...Object.keys(connections(doc))
      .map((projectId) => ctx.instance.find('projects', ctx.spaceId, projectId))
      .filter((project) => project?.TenantedDeploymentMode === 'Untenanted')
      .map((project) => `ProjectEnvironments: the project '${String(project?.Name)}' is not tenanted, so tenants cannot be connected to it.`),
  ],
  beforeDelete: (doc, ctx) => ctx.instance.store.remove('tenantvariables', `TenantVariables-${doc.Id}`),
  links: (_doc, self) => ({ Variables: `${self}/variables` }),
};

export function connections(doc: Doc): Record<string, string[]> {
  const value = doc.ProjectEnvironments;
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, string[]>) : {};
}
