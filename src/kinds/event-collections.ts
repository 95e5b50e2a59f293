// Which collections a set of document events says changed, so an incremental reader re-reads
// only those. An event names documents by id (`RelatedDocumentIds`), and an Octopus id starts with
// its document type (`Projects-1`, `deploymentprocess-Projects-1`, `variableset-Projects-1`,
// `RunbookProcess-Runbooks-1`). Whatever cannot be mapped with certainty asks for a full read.

/** A document type (an id's first segment, lower case) → the collections its changes touch. */
const COLLECTIONS_OF_TYPE: Record<string, readonly string[]> = {
  environments: ['environments', 'parentenvironments'],
  parentenvironments: ['environments', 'parentenvironments'],
  projects: ['projects'],
  projectgroups: ['projectgroups'],
  lifecycles: ['lifecycles'],
  channels: ['channels'],
  deploymentprocess: ['deploymentprocesses'],
  variableset: ['variables'],
  libraryvariablesets: ['libraryvariablesets'],
  // Tenant variables may be logged against the tenant alone (not documented either way).
  tenants: ['tenants', 'tenantvariables'],
  tenantvariables: ['tenantvariables'],
  tagsets: ['tagsets'],
  certificates: ['certificates'],
  feeds: ['feeds'],
  accounts: ['accounts'],
  actiontemplates: ['actiontemplates'],
  communityactiontemplates: ['communityactiontemplates'],
  teams: ['teams'],
  scopeduserroles: ['scopeduserroles'],
  users: ['users'],
  userroles: ['userroles'],
  machinepolicies: ['machinepolicies'],
  workerpools: ['workerpools'],
  machines: ['machines'],
  runbooks: ['runbooks'],
  runbookprocess: ['runbookProcesses'],
  gitcredentials: ['gitcredentials'],
  // Documents octosync never reads: related to many events (a release names its project and
  // channel, which are mapped on their own), changing nothing that is synced.
  spaces: [],
  releases: [],
  deployments: [],
  servertasks: [],
  interruptions: [],
  artifacts: [],
  events: [],
  runbooksnapshots: [],
  runbookruns: [],
  workers: [],
};

/**
 * What a document creates with it, which a server may not log an event of its own for: a new
 * project's default channel, deployment process and variable set; a new runbook's process; a new
 * library variable set's variables.
 */
const CREATED_WITH: Record<string, readonly string[]> = {
  projects: ['channels', 'deploymentprocesses', 'variables'],
  runbooks: ['runbookProcesses'],
  libraryvariablesets: ['variables'],
};

const CHANGES = new Set(['Created', 'Modified']);

export interface NamedEvent {
  Category: string;
  RelatedDocumentIds: readonly string[];
}

/**
 * The collections the events say changed, or 'all' when one of them cannot be mapped: a delete
 * (it may take owned documents and connections along without events of their own), a category
 * other than created or modified, or a document type not known here.
 */
export function collectionsChangedBy(events: readonly NamedEvent[]): Set<string> | 'all' {
  const changed = new Set<string>();
  for (const event of events) {
    if (!CHANGES.has(event.Category) || event.RelatedDocumentIds.length === 0) return 'all';
    for (const [index, id] of event.RelatedDocumentIds.entries()) {
      const type = documentType(id);
      const collections = COLLECTIONS_OF_TYPE[type];
      if (!collections) return 'all';
      for (const collection of collections) changed.add(collection);
      // The document itself comes first; the others are its owners and what it refers to.
      if (index === 0 && event.Category === 'Created') for (const collection of CREATED_WITH[type] ?? []) changed.add(collection);
    }
  }
  return changed;
}

function documentType(id: string): string {
  return (id.split('-')[0] ?? '').toLowerCase();
}
