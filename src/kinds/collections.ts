import type { KindName } from '../core/document.js';
import type { ExternalKind } from './types.js';

// How each API collection is read: a space-wide endpoint, one request however many projects
// there are. `/all` endpoints answer a bare array; the others a collection read in one page.

export interface CollectionRead {
  /** Path under the space (`/api/{spaceId}/…`), or under `/api/` for server-wide collections. */
  path: string;
  /** Whether the collection lives outside spaces (users, user roles). */
  serverWide?: boolean;
  /** Whether the endpoint answers a paged collection rather than a bare array. */
  paged?: boolean;
  /** Query parameters besides paging (a filter). */
  query?: Record<string, string>;
  /** A route older servers do not have: a 404 there means none of these resources. */
  since?: string;
  /** The field of the response that lists the resources (`.`: the response is the one resource). */
  field?: string;
  /** A server that does not offer it answers with an error: any error status means none. */
  absentOnError?: boolean;
}

export const COLLECTION_READS: Record<string, CollectionRead> = {
  environments: { path: 'environments/all' },
  // Parent environments (2025+) are listed only by the environments v2 list, filtered by type.
  parentenvironments: { path: 'environments/v2', query: { type: 'Parent' }, paged: true, since: '2025.4' },
  workerpools: { path: 'workerpools/all' },
  machinepolicies: { path: 'machinepolicies/all' },
  tagsets: { path: 'tagsets/all' },
  certificates: { path: 'certificates/all' },
  feeds: { path: 'feeds/all' },
  lifecycles: { path: 'lifecycles/all' },
  libraryvariablesets: { path: 'libraryvariablesets/all' },
  actiontemplates: { path: 'actiontemplates/all' },
  projectgroups: { path: 'projectgroups/all' },
  teams: { path: 'teams/all' },
  scopeduserroles: { path: 'scopeduserroles/all' },
  tenants: { path: 'tenants/all' },
  tenantvariables: { path: 'tenantvariables/all' },
  projects: { path: 'projects/all' },
  channels: { path: 'channels/all' },
  variables: { path: 'variables/all' },
  deploymentprocesses: { path: 'deploymentprocesses', paged: true },
  runbooks: { path: 'runbooks/all' },
  runbookProcesses: { path: 'runbookProcesses', paged: true },
  accounts: { path: 'accounts/all' },
  // No `/all`: a paged collection (reference-2026 spaces.md). Read with the git-credentials kind,
  // else only when something uses one (on-demand-reads.ts).
  gitcredentials: { path: 'git-credentials', paged: true },
  machines: { path: 'machines/all' },
  users: { path: 'users/all', serverWide: true },
  // What the server can hold (see capabilities.ts): read like collections, one request each. The
  // features configuration, the dynamic worker types, the community library, user roles and
  // machines are read only when the data needs them (on-demand-reads.ts).
  featuretoggles: { path: 'configuration/feature-toggles', serverWide: true, field: 'FeatureToggles', since: '2025.1' },
  featuresconfiguration: { path: 'featuresconfiguration', serverWide: true, field: '.', since: '2022.3' },
  dynamicworkertypes: { path: 'workerpools/dynamicworkertypes', field: 'WorkerTypes', absentOnError: true },
  communityactiontemplates: { path: 'communityactiontemplates', serverWide: true, paged: true },
  userroles: { path: 'userroles/all', serverWide: true },
};

/** The kind whose documents a collection's resources become, for references written by name. */
export const KIND_OF_COLLECTION: Record<string, KindName | ExternalKind> = {
  environments: 'environments',
  parentenvironments: 'parent-environments',
  workerpools: 'worker-pools',
  machinepolicies: 'machine-policies',
  tagsets: 'tag-sets',
  certificates: 'certificates',
  feeds: 'feeds',
  lifecycles: 'lifecycles',
  actiontemplates: 'step-templates',
  libraryvariablesets: 'library-variable-sets',
  projectgroups: 'project-groups',
  teams: 'teams',
  tenants: 'tenants',
  projects: 'projects',
  channels: 'channels',
  runbooks: 'runbooks',
  accounts: 'accounts',
  users: 'users',
  userroles: 'user-roles',
  machines: 'deployment-targets',
  workers: 'workers',
  gitcredentials: 'git-credentials',
};
