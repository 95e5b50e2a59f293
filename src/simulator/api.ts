// Every collection the simulator serves and every route, in one place.
import { crudHandlers, registerCrud } from './handlers/crud.js';
import { registerCommunityActionTemplates } from './handlers/community-action-templates.js';
import { registerParentEnvironments } from './handlers/parent-environments.js';
import { deprecated, registerServerConfiguration } from './handlers/server-configuration.js';
import { registerEvents } from './handlers/events.js';
import { registerGitCredentials } from './handlers/git-credentials.js';
import { registerProcesses } from './handlers/processes.js';
import { registerProjectRoutes } from './handlers/project-routes.js';
import { registerRoot } from './handlers/root.js';
import { registerSortOrder } from './handlers/sort-order.js';
import { registerTeams } from './handlers/teams.js';
import { registerDynamicWorkerTypes } from './handlers/worker-pools.js';
import { registerTenantVariables } from './handlers/tenant-variables.js';
import { registerVariables } from './handlers/variables.js';
import { registerVersionControl } from './handlers/version-control.js';
import { registerVersionControlRunbooks } from './handlers/version-control-runbooks.js';
import { accounts } from './resources/accounts.js';
import { actionTemplates } from './resources/action-templates.js';
import { certificates } from './resources/certificates.js';
import { channels } from './resources/channels.js';
import { communityActionTemplates } from './resources/community-action-templates.js';
import { parentEnvironments } from './resources/parent-environments.js';
import { environments } from './resources/environments.js';
import { feeds } from './resources/feeds.js';
import { gitCredentials } from './resources/git-credentials.js';
import { libraryVariableSets } from './resources/library-variable-sets.js';
import { lifecycles } from './resources/lifecycles.js';
import { machinePolicies } from './resources/machine-policies.js';
import { deploymentTargets, workers } from './resources/machines.js';
import { deploymentProcesses, runbookProcesses } from './resources/processes.js';
import { projectGroups } from './resources/project-groups.js';
import { projects } from './resources/projects.js';
import { releases } from './resources/releases.js';
import { runbooks } from './resources/runbooks.js';
import { spaces } from './resources/spaces.js';
import { tagSets } from './resources/tag-sets.js';
import { scopedUserRoles, teams } from './resources/teams.js';
import { tenantVariables } from './resources/tenant-variables.js';
import { tenants } from './resources/tenants.js';
import { userRoles, users } from './resources/users.js';
import { variableSets } from './resources/variable-sets.js';
import { workerPools } from './resources/worker-pools.js';
import type { ResourceDef } from './resource-def.js';
import type { Routes } from './routes.js';

export function resourceDefinitions(): ResourceDef[] {
  return [
    spaces,
    users,
    userRoles,
    teams,
    scopedUserRoles,
    environments,
    parentEnvironments,
    workerPools,
    machinePolicies,
    tagSets,
    certificates,
    feeds,
    lifecycles,
    libraryVariableSets,
    communityActionTemplates,
    actionTemplates,
    gitCredentials,
    projectGroups,
    tenants,
    tenantVariables,
    projects,
    channels,
    variableSets,
    deploymentProcesses,
    runbooks,
    runbookProcesses,
    accounts,
    deploymentTargets,
    workers,
    releases,
  ];
}

export function registerApi(routes: Routes): void {
  registerRoot(routes);
  registerEvents(routes);
  registerCrud(routes, spaces);
  registerCrud(routes, users, ['list', 'all', 'get']);
  registerCrud(routes, userRoles, ['list', 'all', 'get']);
  registerTeams(routes);
  // Specific routes go before generic ones only for readability: the router prefers static segments.
  registerSortOrder(routes, [environments, workerPools, tagSets]);
  registerDynamicWorkerTypes(routes);
  for (const def of [
    environments,
    workerPools,
    machinePolicies,
    tagSets,
    certificates,
    feeds,
    lifecycles,
    libraryVariableSets,
    actionTemplates,
    projectGroups,
    tenants,
    runbooks,
    accounts,
    deploymentTargets,
    workers,
  ]) {
    registerCrud(routes, def);
  }
  registerChannels(routes);
  registerCrud(routes, projects, ['list', 'all', 'create', 'update', 'delete']);
  registerCrud(routes, releases, ['list', 'all', 'get', 'delete']);
  registerProjectRoutes(routes);
  registerVariables(routes);
  registerProcesses(routes);
  registerTenantVariables(routes);
  registerGitCredentials(routes);
  registerVersionControl(routes);
  registerVersionControlRunbooks(routes);
  registerServerConfiguration(routes);
  registerParentEnvironments(routes);
  registerCommunityActionTemplates(routes);
}

/** Channels: the space-wide list and get are deprecated in 2026 (the project routes replace them). */
function registerChannels(routes: Routes): void {
  const crud = crudHandlers(channels);
  registerCrud(routes, channels, ['all', 'create', 'update', 'delete']);
  routes.space('GET', '/channels', deprecated('GET /channels', crud.list));
  routes.space('GET', '/channels/:id', deprecated('GET /channels/{id}', crud.get));
}
