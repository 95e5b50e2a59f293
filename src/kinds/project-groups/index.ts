import { simpleKind } from '../simple-kind.js';

export const projectGroups = simpleKind({
  name: 'project-groups',
  title: 'project group',
  collection: 'projectgroups',
  dependsOn: ['environments'],
  refs: [{ field: 'EnvironmentIds', as: 'Environments', collection: 'environments', many: true }],
  // Retention policies are a server feature octosync does not sync.
  drop: ['RetentionPolicyId'],
});
