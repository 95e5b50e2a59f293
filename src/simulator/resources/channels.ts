import { badRequest } from '../http-error.js';
import type { ResourceDef } from '../resource-def.js';
import { assignIds, checkTenantTags, ref } from './common.js';

// Channel names are unique within their project, not the space. `LifecycleId: null` means the
// project's lifecycle. A project always has exactly one default channel.
export const channels: ResourceDef = {
  collection: 'channels',
  idPrefix: 'Channels',
  itemType: 'Channel',
  scope: 'space',
  slug: true,
  uniqueName: false,
  required: ['Name', 'ProjectId'],
  createOnly: ['ProjectId'],
  defaults: () => ({ Name: '', Description: null, ProjectId: null, LifecycleId: null, IsDefault: false, Rules: [], TenantTags: [] }),
  references: [ref('ProjectId', 'projects'), ref('LifecycleId', 'lifecycles')],
  filters: { projectId: (doc, value) => String(doc.ProjectId).toLowerCase() === value.toLowerCase() },
  validate: (doc, ctx) => {
    const siblings = ctx.instance.visible('channels', ctx.spaceId).filter((c) => c.ProjectId === doc.ProjectId && c.Id !== doc.Id);
    const errors = checkTenantTags(ctx.instance, ctx.spaceId, doc.TenantTags);
    if (siblings.some((c) => String(c.Name).toLowerCase() === String(doc.Name).toLowerCase())) {
      errors.push(`The name '${String(doc.Name)}' is already in use by another channel in this project. Please choose a different name.`);
    }
    return errors;
  },
  prepare: (doc, ctx) => {
    assignIds(doc.Rules);
    const siblings = ctx.instance.visible('channels', ctx.spaceId).filter((c) => c.ProjectId === doc.ProjectId && c.Id !== doc.Id);
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
