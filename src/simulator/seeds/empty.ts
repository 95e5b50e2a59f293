// A fresh server: the admin user, the built-in user roles, the system teams, the Default
// space (which brings its default lifecycle, project group, machine policy, worker pools,
// built-in feeds and Space Managers team) and the community step template library.
import type { Instance } from '../instance.js';
import { COMMUNITY_LIBRARY } from '../resources/community-action-templates.js';

/** Built-in user roles, as a fresh server lists them (ids `userroles-<name without spaces>`). */
const BUILT_IN_ROLES = [
  'System administrator', 'System manager', 'Space manager', 'Project deployer', 'Project viewer', 'Project contributor',
  'Project lead', 'Project initiator', 'Environment viewer', 'Environment manager', 'Tenant manager', 'Tenant viewer',
  'Release creator', 'Deployment creator', 'Certificate manager', 'Package publisher', 'Runbook consumer', 'Runbook producer',
  'Team manager', 'User manager',
];

export function seedEmpty(instance: Instance): void {
  instance.create('users', null, { Username: instance.user.Username, DisplayName: instance.user.DisplayName, EmailAddress: 'admin@example.com' }, { id: instance.user.Id });
  for (const name of BUILT_IN_ROLES) {
    instance.create('userroles', null, { Name: name, Description: `Built-in role: ${name}.`, CanBeDeleted: false }, { id: `userroles-${name.toLowerCase().replace(/\s+/g, '')}` });
  }
  instance.create('teams', null, { Name: 'Octopus Administrators', Description: 'Members of this team can administer the whole server.', MemberUserIds: [instance.user.Id] }, { id: 'teams-administrators' });
  instance.create('teams', null, { Name: 'Octopus Managers', Description: 'Members of this team can manage the server but not its system settings.' }, { id: 'teams-managers' });
  instance.create('teams', null, { Name: 'Everyone', Description: 'Every user is a member of this team.' }, { id: 'teams-everyone' });
  instance.create('spaces', null, { Name: 'Default', Description: 'The default space.', IsDefault: true, SpaceManagersTeamMembers: [instance.user.Id] }, { id: 'Spaces-1' });
  // The community library as the server last synced it (served only while the library is enabled).
  for (const template of COMMUNITY_LIBRARY) instance.create('communityactiontemplates', null, structuredClone(template));
}
