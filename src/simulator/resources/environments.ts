import type { ResourceDef } from '../resource-def.js';
import { checkTags, nextSortOrder } from './common.js';

// 2026: `EnvironmentTags` are canonical tag names (`Tag Set/Tag`) of tag sets scoped to
// environments (inferred from the CLI's `environment tag` command: the reference shows only
// `array of string`). Static environments share their names with parent environments.

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
    EnvironmentTags: [],
    ExtensionSettings: [],
  }),
  validate: (doc, ctx) => [
    ...(String(doc.Name).length > 50 ? ['Name: the name must be 50 characters or fewer.'] : []),
    ...(ctx.instance.findByName('parentEnvironments', ctx.spaceId, String(doc.Name)) ? [`The name '${String(doc.Name)}' is already in use by another environment. Please choose a different name.`] : []),
    ...checkTags(ctx.instance, ctx.spaceId, doc.EnvironmentTags, 'EnvironmentTags', 'Environment'),
  ],
  prepare: (doc, ctx) => {
    if (typeof doc.SortOrder !== 'number') {
      doc.SortOrder = ctx.previous?.SortOrder ?? nextSortOrder(ctx.instance, 'environments', ctx.spaceId);
    }
  },
};
