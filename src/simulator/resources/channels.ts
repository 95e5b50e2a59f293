import { badRequest } from '../http-error.js';
import type { ResourceDef } from '../resource-def.js';
import { assignIds, checkOneOf, checkTenantTags, ref } from './common.js';

const CHANNEL_TYPES = ['Lifecycle', 'EphemeralEnvironment'];

// Channel names are unique within their project, not the space. `LifecycleId: null` means the
// project's lifecycle. A project always has exactly one default channel.
// 2025+: a channel is of `Type` `Lifecycle` (the default) or `EphemeralEnvironment`; the latter
// creates ephemeral environments under its `ParentEnvironmentId` (a parent environment, required)
// and has no lifecycle ("Must be null for ephemeral environment channels", 2026 reference).
export const channels: ResourceDef = {
  collection: 'channels',
  idPrefix: 'Channels',
  itemType: 'Channel',
  scope: 'space',
  slug: true,
  uniqueName: false,
  required: ['Name', 'ProjectId'],
  createOnly: ['ProjectId'],
  defaults: () => ({
    Name: '',
    Description: null,
    ProjectId: null,
    LifecycleId: null,
    IsDefault: false,
    Type: 'Lifecycle',
    ParentEnvironmentId: null,
    EphemeralEnvironmentNameTemplate: null,
    AutomaticEphemeralEnvironmentDeployments: false,
    CustomFieldDefinitions: [],
    GitReferenceRules: [],
    GitResourceRules: [],
    Rules: [],
    TenantTags: [],
  }),
  references: [ref('ProjectId', 'projects'), ref('LifecycleId', 'lifecycles'), ref('ParentEnvironmentId', 'parentEnvironments')],
  filters: { projectId: (doc, value) => String(doc.ProjectId).toLowerCase() === value.toLowerCase() },
  validate: (doc, ctx) => {
    const siblings = ctx.instance.visibleWhere('channels', ctx.spaceId, 'ProjectId', doc.ProjectId).filter((c) => c.ProjectId === doc.ProjectId && c.Id !== doc.Id);
    const errors = [...checkTenantTags(ctx.instance, ctx.spaceId, doc.TenantTags), ...checkOneOf(doc, 'Type', CHANNEL_TYPES)];
    if (doc.Type === 'EphemeralEnvironment') {
      if (!doc.ParentEnvironmentId) errors.push('ParentEnvironmentId: an ephemeral environment channel needs a parent environment.');
      if (doc.LifecycleId) errors.push('LifecycleId: must be null for ephemeral environment channels.');
    } else if (doc.ParentEnvironmentId) {
      errors.push('ParentEnvironmentId: only ephemeral environment channels have a parent environment.');
    }
    if (siblings.some((c) => String(c.Name).toLowerCase() === String(doc.Name).toLowerCase())) {
      errors.push(`The name '${String(doc.Name)}' is already in use by another channel in this project. Please choose a different name.`);
    }
    return errors;
  },
  prepare: (doc, ctx) => {
    if (doc.Type === null || doc.Type === undefined) doc.Type = 'Lifecycle';
    assignIds(doc.Rules);
    // Version rules show every field of the 2026 reference (a rule is a resource of its own there).
    doc.Rules = ((doc.Rules as Record<string, unknown>[] | undefined) ?? []).map((rule) => ({
      VersionTagRegex: null,
      VersioningStrategy: null,
      ...rule,
      LastModifiedOn: null,
      LastModifiedBy: null,
      Links: {},
    }));
    assignIds(doc.GitResourceRules);
    const siblings = ctx.instance.visibleWhere('channels', ctx.spaceId, 'ProjectId', doc.ProjectId).filter((c) => c.ProjectId === doc.ProjectId && c.Id !== doc.Id);
    // The first channel is the default; making another the default moves the flag (inferred).
    if (siblings.length === 0) doc.IsDefault = true;
    else if (doc.IsDefault === true) for (const sibling of siblings) sibling.IsDefault = false;
    else if (ctx.previous?.IsDefault === true) doc.IsDefault = true;
  },
  beforeDelete: (doc) => {
    if (doc.IsDefault === true) throw badRequest('The default channel cannot be deleted. Make another channel the default first.');
  },
  relatedIds: (doc) => [String(doc.ProjectId)],
  links: (doc) => ({ Project: `/api/${String(doc.SpaceId)}/projects/${String(doc.ProjectId)}` }),
};
