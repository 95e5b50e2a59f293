import type { ResourceDef } from '../resource-def.js';
import { nextSortOrder } from './common.js';

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
  validate: (doc) => (String(doc.Name).length > 50 ? ['Name: the name must be 50 characters or fewer.'] : []),
  prepare: (doc, ctx) => {
    if (typeof doc.SortOrder !== 'number') {
      doc.SortOrder = ctx.previous?.SortOrder ?? nextSortOrder(ctx.instance, 'environments', ctx.spaceId);
    }
  },
};
