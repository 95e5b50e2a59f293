import type { ResourceDef } from '../resource-def.js';
import { nextSortOrder } from './common.js';

// Parent environments (2025+): the environment ephemeral environments are created under, named
// by a channel's `ParentEnvironmentId`. They are environments (ids `Environments-N`, from the
// same counter) served by their own routes; `/environments` and `/environments/all` list only
// static environments, `/environments/v2` lists both with their `Type`.
export const parentEnvironments: ResourceDef = {
  collection: 'parentEnvironments',
  idPrefix: 'Environments',
  itemType: 'ParentEnvironment',
  scope: 'space',
  sortBy: 'SortOrder',
  slug: true,
  required: ['Name'],
  // The request of a PUT names the environment in `EnvironmentId` (2026 reference); it is not stored.
  serverManaged: ['EnvironmentId'],
  defaults: () => ({
    Name: '',
    Description: null,
    UseGuidedFailure: false,
    AutomaticDeprovisioningRule: null,
  }),
  validate: (doc, ctx) => {
    const errors = String(doc.Name).length > 50 ? ['Name: the name must be 50 characters or fewer.'] : [];
    // Static and parent environments share one namespace (inferred: both are environments).
    const clash = ctx.instance.findByName('environments', ctx.spaceId, String(doc.Name));
    if (clash) errors.push(`The name '${String(doc.Name)}' is already in use by another environment. Please choose a different name.`);
    return errors;
  },
  prepare: (doc, ctx) => {
    delete doc.EnvironmentId;
    if (typeof doc.SortOrder !== 'number') doc.SortOrder = ctx.previous?.SortOrder ?? nextSortOrder(ctx.instance, 'environments', ctx.spaceId);
  },
};
