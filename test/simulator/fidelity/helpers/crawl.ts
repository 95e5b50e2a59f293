// Reads everything a simulated server holds through every read route a client uses: each
// collection's list (default page and a small page), `/all` where the swagger has one, every
// item by id, and the documents items own. Exchanges are grouped by kind.
import type { Exchange, Json, SimHttp } from './http.js';
import type { SwaggerValidator } from './swagger.js';

/** Every kind the simulator serves and the swagger definition its items must match. */
export const KINDS = [
  { kind: 'root', definition: 'RootResource' },
  { kind: 'spaces', definition: 'SpaceResource' },
  { kind: 'users', definition: 'UserResource' },
  { kind: 'userroles', definition: 'UserRoleResource' },
  { kind: 'teams', definition: 'TeamResource' },
  { kind: 'scopeduserroles', definition: 'ScopedUserRoleResource' },
  { kind: 'environments', definition: 'EnvironmentResource' },
  { kind: 'workerpools', definition: 'WorkerPoolResource' },
  { kind: 'machinepolicies', definition: 'MachinePolicyResource' },
  { kind: 'tagsets', definition: 'TagSetResource' },
  { kind: 'certificates', definition: 'CertificateResource' },
  { kind: 'feeds', definition: 'FeedResource' },
  { kind: 'lifecycles', definition: 'LifecycleResource' },
  { kind: 'libraryvariablesets', definition: 'LibraryVariableSetResource' },
  { kind: 'actiontemplates', definition: 'ActionTemplateResource' },
  { kind: 'projectgroups', definition: 'ProjectGroupResource' },
  { kind: 'tenants', definition: 'TenantResource' },
  { kind: 'projects', definition: 'ProjectResource' },
  { kind: 'channels', definition: 'ChannelResource' },
  { kind: 'variables', definition: 'VariableSetResource' },
  { kind: 'deploymentprocesses', definition: 'DeploymentProcessResource' },
  { kind: 'runbooks', definition: 'RunbookResource' },
  { kind: 'runbookProcesses', definition: 'RunbookProcessResource' },
  { kind: 'accounts', definition: 'AccountResource' },
  { kind: 'machines', definition: 'DeploymentTargetResource' },
  { kind: 'workers', definition: 'WorkerResource' },
  { kind: 'releases', definition: 'ReleaseResource' },
  { kind: 'events', definition: 'EventResource' },
  { kind: 'tenantvariables', definition: 'TenantVariableResource' },
] as const;

export type Kind = (typeof KINDS)[number]['kind'];

/** Space-scoped collections with the ordinary list / `/all` / `/{id}` routes. */
const SPACE_COLLECTIONS: Kind[] = [
  'environments', 'workerpools', 'machinepolicies', 'tagsets', 'certificates', 'feeds', 'lifecycles', 'libraryvariablesets',
  'actiontemplates', 'projectgroups', 'teams', 'scopeduserroles', 'tenants', 'projects', 'channels', 'runbooks', 'accounts',
  'machines', 'workers', 'releases',
];

const TAKE_ALL = 2147483647;

export async function crawl(http: SimHttp, swagger: SwaggerValidator, spaceId: string): Promise<Map<Kind, Exchange[]>> {
  const byKind = new Map<Kind, Exchange[]>(KINDS.map(({ kind }) => [kind, []]));
  const visit = async (kind: Kind, url: string): Promise<Exchange> => {
    const exchange = await http.request('GET', url);
    byKind.get(kind)?.push(exchange);
    return exchange;
  };
  const items = (exchange: Exchange): Json[] => {
    if (exchange.status !== 200) return [];
    const body = exchange.body as Json[] | { Items?: Json[] };
    return Array.isArray(body) ? body : (body.Items ?? []);
  };
  /** List, small page, `/all` (where the swagger has it) and each item. */
  const collection = async (kind: Kind, base: string, swaggerBase: string): Promise<Json[]> => {
    await visit(kind, base);
    await visit(kind, `${base}?skip=1&take=1`);
    const all = swagger.declares('GET', `${swaggerBase}/all`) ? await visit(kind, `${base}/all`) : await visit(kind, `${base}?skip=0&take=${TAKE_ALL}`);
    const found = items(all);
    for (const item of found) await visit(kind, `${base}/${String(item.Id)}`);
    return found;
  };

  await visit('root', '/api');
  await visit('root', `/api/${spaceId}`);
  for (const kind of ['spaces', 'users', 'userroles'] as const) await collection(kind, `/api/${kind}`, `/${kind}`);
  await visit('users', '/api/users/me');
  // Teams and scoped user roles are also served server-wide (system teams live there).
  for (const kind of ['teams', 'scopeduserroles'] as const) await collection(kind, `/api/${kind}`, `/${kind}`);

  const s = `/api/${spaceId}`;
  const found = new Map<Kind, Json[]>();
  for (const kind of SPACE_COLLECTIONS) found.set(kind, await collection(kind, `${s}/${kind}`, `/{baseSpaceId}/${kind}`));

  for (const team of found.get('teams') ?? []) await visit('scopeduserroles', `${s}/teams/${String(team.Id)}/scopeduserroles`);
  for (const project of found.get('projects') ?? []) {
    const p = `${s}/projects/${String(project.Id)}`;
    await visit('projects', `${s}/projects/${String(project.Slug)}`);
    await visit('channels', `${p}/channels`);
    // Runbooks stored in Git are refused by the database routes (the 2021 swagger has no git-ref
    // routes; version-control-runbooks-2026.test.ts checks them against the 2026 reference).
    const conversion = (project.PersistenceSettings as { ConversionState?: { RunbooksAreInGit?: unknown } } | null | undefined)?.ConversionState;
    if (conversion?.RunbooksAreInGit !== true) await visit('runbooks', `${p}/runbooks`);
    await visit('releases', `${p}/releases`);
    await visit('variables', `${s}/variables/${String(project.VariableSetId)}`);
    // A version-controlled project's process is in its repository: the database routes refuse it.
    const persistence = project.PersistenceSettings as { Type?: unknown } | null | undefined;
    if (persistence?.Type === 'VersionControlled') continue;
    await visit('deploymentprocesses', `${s}/deploymentprocesses/${String(project.DeploymentProcessId)}`);
    // The route api-client 3.11's DeploymentProcessRepository uses.
    await visit('deploymentprocesses', `${p}/deploymentprocesses`);
  }
  for (const set of found.get('libraryvariablesets') ?? []) await visit('variables', `${s}/variables/${String(set.VariableSetId)}`);
  await visit('variables', `${s}/variables/all`);
  await visit('deploymentprocesses', `${s}/deploymentprocesses`);
  await visit('runbookProcesses', `${s}/runbookProcesses`);
  for (const runbook of found.get('runbooks') ?? []) {
    await visit('runbookProcesses', `${s}/runbookProcesses/${String(runbook.RunbookProcessId)}`);
    // The route api-client 3.11's RunbookProcessRepository uses.
    await visit('runbookProcesses', `${s}/projects/${String(runbook.ProjectId)}/runbookProcesses/${String(runbook.RunbookProcessId)}`);
  }
  for (const tenant of found.get('tenants') ?? []) await visit('tenantvariables', `${s}/tenants/${String(tenant.Id)}/variables`);
  await visit('tenantvariables', `${s}/tenantvariables/all`);

  const events = items(await visit('events', '/api/events'));
  await visit('events', `${s}/events`);
  await visit('events', `${s}/events?skip=2&take=5`);
  for (const event of events.slice(0, 10)) {
    await visit('events', `/api/events/${String(event.Id)}`);
    if (event.SpaceId === spaceId) await visit('events', `${s}/events/${String(event.Id)}`);
  }
  return byKind;
}
