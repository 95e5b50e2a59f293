import type { ResourceDef } from '../resource-def.js';
import { checkTenantTags, nextSortOrder } from './common.js';

export const environments: ResourceDef = {
  collection: 'environments',
  idPrefix: 'Environments',
  itemType: 'Environment',
  scope: 'space',
  sortBy: 'SortOrder',
  slug: true,
  required: ['Name'],
  defaults: () => ({
    Name: '',
    Description: null,
    UseGuidedFailure: false,
    AllowDynamicInfrastructure: false,
    ExtensionSettings: [],
  }),
  validate: (doc, ctx) => [
    ...(String(doc.Name).length > 50 ? ['Name: the name must be 50 characters or fewer.'] : []),
    // 2026 servers tag environments with tags of tag sets, by canonical name like tenant tags
    // (inferred: the reference shows only `array of string`).
    ...checkTenantTags(ctx.instance, ctx.spaceId, doc.EnvironmentTags, 'EnvironmentTags'),
  ],
  prepare: (doc, ctx) => {
    if (typeof doc.SortOrder !== 'number') {
      doc.SortOrder = ctx.previous?.SortOrder ?? nextSortOrder(ctx.instance, 'environments', ctx.spaceId);
    }
  },
};
