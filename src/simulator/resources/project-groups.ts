import { badRequest } from '../http-error.js';
import type { ResourceDef } from '../resource-def.js';
import { ref } from './common.js';

export const projectGroups: ResourceDef = {
  collection: 'projectgroups',
  idPrefix: 'ProjectGroups',
  itemType: 'ProjectGroup',
  scope: 'space',
  slug: true,
  required: ['Name'],
  defaults: () => ({ Name: '', Description: null, EnvironmentIds: [], RetentionPolicyId: null }),
  references: [ref('EnvironmentIds', 'environments')],
  beforeDelete: (doc, ctx) => {
    if (ctx.instance.visible('projects', ctx.spaceId).some((project) => project.ProjectGroupId === doc.Id)) {
      throw badRequest(`The project group '${String(doc.Name)}' still contains projects. Move or delete them first.`);
    }
  },
};
