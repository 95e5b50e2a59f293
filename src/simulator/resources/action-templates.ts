import type { ResourceDef } from '../resource-def.js';
import { assignIds, templateDefaults } from './common.js';
import { applySensitiveDefaults, applySensitiveProperties } from './properties.js';

// Step templates. `Version` counts saves; a process action using the template records the
// version it was made from in `Octopus.Action.Template.Version`.
// A community step template is installed from the library (handlers/community-action-templates.ts),
// which sets `CommunityActionTemplateId`; it cannot be created or edited through this collection's
// POST and PUT (inferred from the portal, which shows installed community templates read-only and
// updates them only from the library).
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
    GitDependencies: [],
    Packages: [],
    Parameters: [],
    Properties: {},
  }),
  validate: (doc, ctx) => {
    if (ctx.installing) return [];
    if (ctx.previous?.CommunityActionTemplateId) {
      return [`The step template '${String(ctx.previous.Name)}' was installed from the community library and cannot be edited; update it from the library.`];
    }
    if (doc.CommunityActionTemplateId !== null && doc.CommunityActionTemplateId !== undefined) {
      return ['CommunityActionTemplateId: community step templates are installed from the library (POST /communityactiontemplates/{id}/installation/{spaceId}), not created.'];
    }
    return [];
  },
  references: [
    { field: 'Packages', collection: 'feeds', ids: (doc) => ((doc.Packages as { FeedId?: unknown }[] | undefined) ?? []).map((p) => p.FeedId) },
  ],
  prepare: (doc, ctx) => {
    assignIds(doc.Parameters);
    templateDefaults(doc.Parameters);
    assignIds(doc.Packages);
    // Package references show every field of the 2026 reference, null when not sent.
    doc.Packages = ((doc.Packages as Record<string, unknown>[] | undefined) ?? []).map((p) => ({ StepPackageInputsReferenceId: null, Version: null, ...p }));
    applySensitiveDefaults(ctx.instance.store, `${doc.Id}:Parameters`, doc.Parameters, ctx.previous?.Parameters);
    doc.Properties = applySensitiveProperties(ctx.instance.store, `${doc.Id}:Properties`, doc.Properties, ctx.previous?.Properties);
  },
};

