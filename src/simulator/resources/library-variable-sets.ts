import type { ResourceDef } from '../resource-def.js';
import { applySensitiveDefaults } from './properties.js';
import { assignIds, checkOneOf, templateDefaults } from './common.js';
import { createVariableSet, deleteVariableSet } from './variable-sets.js';

// A library variable set owns a variable set. Script modules are library variable sets with
// ContentType `ScriptModule`; their body and language are two variables in that set
// (`Octopus.Script.Module[<Name>]`, `Octopus.Script.Module.Language[<Name>]`).
export const libraryVariableSets: ResourceDef = {
  collection: 'libraryvariablesets',
  idPrefix: 'LibraryVariableSets',
  itemType: 'LibraryVariableSet',
  scope: 'space',
  required: ['Name'],
  createOnly: ['ContentType'],
  // The 2026 reference shows a `Version`; it counts saves like other versioned documents (inferred).
  versioned: true,
  serverManaged: ['VariableSetId'],
  defaults: () => ({ Name: '', Description: null, ContentType: 'Variables', Templates: [] }),
  filters: { contentType: (doc, value) => String(doc.ContentType).toLowerCase() === value.toLowerCase() },
  validate: (doc) => checkOneOf(doc, 'ContentType', ['Variables', 'ScriptModule']),
  prepare: (doc, ctx) => {
    doc.VariableSetId = `variableset-${doc.Id}`;
    assignIds(doc.Templates);
    templateDefaults(doc.Templates);
    applySensitiveDefaults(ctx.instance.store, `${doc.Id}:Templates`, doc.Templates, ctx.previous?.Templates);
  },
  afterCreate: (doc, ctx) => createVariableSet(ctx.instance, doc, ctx.spaceId),
  beforeDelete: (doc, ctx) => {
    deleteVariableSet(ctx.instance, String(doc.VariableSetId));
    // Projects that included the set stop including it (inferred).
    for (const project of ctx.instance.visible('projects', ctx.spaceId)) {
      const included = project.IncludedLibraryVariableSetIds as string[];
      if (included.includes(doc.Id)) project.IncludedLibraryVariableSetIds = included.filter((id) => id !== doc.Id);
    }
  },
  links: (doc) => ({ Variables: `/api/${String(doc.SpaceId)}/variables/${String(doc.VariableSetId)}` }),
};
