import type { ResourceDef } from '../resource-def.js';

// Users and user roles are never synced; teams and scoped user roles refer to them.
export const users: ResourceDef = {
  collection: 'users',
  idPrefix: 'Users',
  itemType: 'User',
  scope: 'system',
  uniqueName: false,
  required: ['Username', 'DisplayName'],
  defaults: () => ({
    Username: '',
    DisplayName: '',
    EmailAddress: null,
    IsActive: true,
    IsService: false,
    IsRequestor: false,
    CanPasswordBeEdited: true,
    Identities: [],
  }),
  validate: (doc, ctx) =>
    ctx.instance.visible('users', null).some((u) => u.Id !== doc.Id && String(u.Username).toLowerCase() === String(doc.Username).toLowerCase())
      ? [`The username '${String(doc.Username)}' is already in use.`]
      : [],
};

export const userRoles: ResourceDef = {
  collection: 'userroles',
  idPrefix: 'UserRoles',
  itemType: 'UserRole',
  scope: 'system',
  required: ['Name'],
  defaults: () => ({
    Name: '',
    Description: null,
    CanBeDeleted: true,
    SupportedRestrictions: [],
    SpacePermissionDescriptions: [],
    SystemPermissionDescriptions: [],
    GrantedSpacePermissions: [],
    GrantedSystemPermissions: [],
  }),
};
