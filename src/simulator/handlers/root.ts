// `GET /api` (the root document), `GET /api/{spaceId}` (a space's home) and `GET /api/users/me`.
import { present } from '../collection.js';
import type { Routes } from '../routes.js';


/** Space-scoped collections and the query parameters of their list routes (as real root documents show them). */
const SPACE_LINKS: Record<string, string> = {
  Accounts: 'accounts{/id}{?skip,take,ids,partialName,accountType}',
  ActionTemplates: 'actiontemplates{/id}{?skip,take,ids,partialName}',
  Certificates: 'certificates{/id}{?skip,take,search,archived,tenant,firstResult,orderBy,ids,partialName}',
  Channels: 'channels{/id}{?skip,take,ids,partialName}',
  DeploymentProcesses: 'deploymentprocesses{/id}{?skip,take,ids}',
  Environments: 'environments{/id}{?name,skip,ids,take,partialName}',
  EnvironmentSortOrder: 'environments/sortorder',
  Events: 'events{/id}{?skip,regarding,regardingAny,user,users,projects,projectGroups,environments,eventGroups,eventCategories,eventAgents,tags,tenants,from,to,internal,fromAutoId,toAutoId,documentTypes,asCsv,take,ids}',
  Feeds: 'feeds{/id}{?skip,take,ids,partialName,feedType}',
  LibraryVariables: 'libraryvariablesets{/id}{?skip,contentType,take,ids,partialName}',
  Lifecycles: 'lifecycles{/id}{?skip,take,ids,partialName}',
  MachinePolicies: 'machinepolicies{/id}{?skip,take,ids,partialName}',
  Machines: 'machines{/id}{?skip,take,name,ids,partialName,roles,isDisabled,healthStatuses,commStyles,tenantIds,tenantTags,environmentIds,thumbprint,deploymentId}',
  ProjectGroups: 'projectgroups{/id}{?skip,take,ids,partialName}',
  Projects: 'projects{/id}{?name,skip,ids,clone,take,partialName,clonedFromProjectId}',
  Releases: 'releases{/id}{?skip,ignoreChannelRules,take,ids}',
  RunbookProcesses: 'runbookProcesses{/id}{?skip,take,ids}',
  Runbooks: 'runbooks{/id}{?skip,take,ids,partialName,clone,projectIds}',
  ScopedUserRoles: 'scopeduserroles{/id}{?skip,take,ids,partialName}',
  TagSets: 'tagsets{/id}{?skip,take,ids,partialName}',
  TagSetSortOrder: 'tagsets/sortorder',
  Teams: 'teams{/id}{?skip,take,ids,partialName,includeSystem}',
  TenantVariables: 'tenantvariables/all{?projectId}',
  Tenants: 'tenants{/id}{?skip,projectId,tags,take,ids,clone,partialName,clonedFromTenantId}',
  Variables: 'variables{/id}{?ids}',
  WorkerPools: 'workerpools{/id}{?skip,take,ids,partialName}',
  WorkerPoolsSortOrder: 'workerpools/sortorder',
  Workers: 'workers{/id}{?skip,take,name,ids,partialName,isDisabled,healthStatuses,commStyles,workerpoolIds,thumbprint}',
};

function spaceLinks(spaceId: string): Record<string, string> {
  return Object.fromEntries(Object.entries(SPACE_LINKS).map(([name, template]) => [name, `/api/${spaceId}/${template}`]));
}

export function registerRoot(routes: Routes): void {
  routes.system('GET', '', (call) => {
    const defaultSpace = call.instance.store.list('spaces').find((space) => space.IsDefault === true);
    return {
      status: 200,
      body: {
        Application: 'Octopus Deploy',
        Version: call.instance.settings.version,
        ApiVersion: '3.0.0',
        InstallationId: call.instance.installationId,
        IsEarlyAccessProgram: false,
        HasLongTermSupport: true,
        Links: {
          Self: '/api',
          CurrentUser: '/api/users/me',
          Spaces: '/api/spaces{/id}{?skip,ids,take,partialName}',
          SpaceHome: '/api/{spaceId}',
          Users: '/api/users{/id}{?skip,take,ids,filter}',
          UserRoles: '/api/userroles{/id}{?skip,take,ids,partialName}',
          ...(defaultSpace ? spaceLinks(defaultSpace.Id) : {}),
        },
      },
    };
  });

  // Registered as a system route because the space id is the last segment.
  routes.system('GET', '/:spaceId', (call) => {
    const space = call.instance.get('spaces', null, call.params.spaceId ?? '');
    // SpaceRootResource is Id and Links only (2021 swagger; 2026 home reference).
    return { status: 200, body: { Id: space.Id, Links: { Self: `/api/${space.Id}`, ...spaceLinks(space.Id) } } };
  });

  routes.system('GET', '/users/me', (call) => ({
    status: 200,
    body: present(call.instance.def('users'), call.instance.get('users', null, call.instance.user.Id)),
  }));
}
