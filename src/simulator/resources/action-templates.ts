import type { ResourceDef } from '../resource-def.js';
import { assignIds } from './common.js';
import { applySensitiveDefaults, applySensitiveProperties } from './properties.js';

// Step templates. `Version` counts saves; a process action using the template records the
// version it was made from in `Octopus.Action.Template.Version`.
export const actionTemplates: ResourceDef = {
  collection: 'actiontemplates',
  idPrefix: 'ActionTemplates',
  itemType: 'ActionTemplate',
  scope: 'space',
  required: ['Name', 'ActionType'],
  versioned: true,
  defaults: () => ({
    Name: '',
    Description: null,
    ActionType: '',
    CommunityActionTemplateId: null,
    Packages: [],
    Parameters: [],
    Properties: {},
  }),
  references: [
    { field: 'Packages', collection: 'feeds', ids: (doc) => ((doc.Packages as { FeedId?: unknown }[] | undefined) ?? []).map((p) => p.FeedId) },
  ],
  prepare: (doc, ctx) => {
    assignIds(doc.Parameters);
    assignIds(doc.Packages);
    applySensitiveDefaults(ctx.instance.store, `${doc.Id}:Parameters`, doc.Parameters, ctx.previous?.Parameters);
    doc.Properties = applySensitiveProperties(ctx.instance.store, `${doc.Id}:Properties`, doc.Properties, ctx.previous?.Properties);
  },
};

