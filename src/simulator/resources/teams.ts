import { badRequest } from '../http-error.js';
import type { ResourceDef } from '../resource-def.js';
import { ref } from './common.js';

// Teams live in a space or, for system teams (`teams-everyone`, ...), server-wide with
// `SpaceId: null`. Members are users; roles come through scoped user roles.
export const teams: ResourceDef = {
  collection: 'teams',
  idPrefix: 'Teams',
  itemType: 'Team',
  scope: 'space',
  systemDocsVisible: true,
  slug: true,
  required: ['Name'],
  serverManaged: ['CanBeDeleted', 'CanBeRenamed', 'CanChangeMembers', 'CanChangeRoles'],
  defaults: () => ({ Name: '', Description: null, MemberUserIds: [], ExternalSecurityGroups: [] }),
  references: [ref('MemberUserIds', 'users')],
  prepare: (doc, ctx) => {
    const builtIn = doc.Id.startsWith('teams-');
    Object.assign(doc, {
      CanBeDeleted: ctx.previous?.CanBeDeleted ?? !builtIn,
      CanBeRenamed: ctx.previous?.CanBeRenamed ?? !builtIn,
      CanChangeMembers: ctx.previous?.CanChangeMembers ?? doc.Id !== 'teams-everyone',
      CanChangeRoles: ctx.previous?.CanChangeRoles ?? true,
    });
    if (ctx.previous && ctx.previous.CanBeRenamed === false && ctx.previous.Name !== doc.Name) throw badRequest('This team cannot be renamed.');
  },
  beforeDelete: (doc, ctx) => {
    if (doc.CanBeDeleted === false) throw badRequest('This team cannot be deleted.');
    for (const role of ctx.instance.store.list('scopeduserroles').filter((r) => r.TeamId === doc.Id)) {
      ctx.instance.store.remove('scopeduserroles', role.Id);
    }
  },
  links: (_doc, self) => ({ ScopedUserRoles: `${self}/scopeduserroles{?skip,take}` }),
};

export const scopedUserRoles: ResourceDef = {
  collection: 'scopeduserroles',
  idPrefix: 'ScopedUserRoles',
  itemType: 'ScopedUserRole',
  scope: 'space',
  systemDocsVisible: true,
  sortBy: 'Id',
  uniqueName: false,
  required: ['UserRoleId', 'TeamId'],
  defaults: () => ({ UserRoleId: null, TeamId: null, ProjectIds: [], ProjectGroupIds: [], EnvironmentIds: [], TenantIds: [] }),
  references: [
    ref('UserRoleId', 'userroles'),
    ref('TeamId', 'teams'),
    ref('ProjectIds', 'projects'),
    ref('ProjectGroupIds', 'projectgroups'),
    ref('EnvironmentIds', 'environments'),
    ref('TenantIds', 'tenants'),
  ],
  filters: { teamId: (doc, value) => String(doc.TeamId).toLowerCase() === value.toLowerCase() },
  relatedIds: (doc) => [String(doc.TeamId)],
};
