// Fills a simulator through its HTTP API with what a 2026 server holds (on top of `populate`):
// tag sets with a Type and Scopes, environments with tags, a parent environment and an
// ephemeral-environment channel, steps with a Type and Git dependencies, a community step
// template installed from the library, tenant variables through the scoped API, processes
// written through the project routes. Then reads every documented route for what it made.
import type { Simulator } from '../../../../src/simulator/index.js';
import type { Exchange, Json, SimHttp } from './http.js';
import { populate, processSteps } from './populate.js';
import type { Populated } from './populate.js';
import type { ReferenceEndpoint } from './reference-2026.js';

export interface Populated2026 extends Populated {
  /** Collection (route segment, lower case) → an id of a resource of it, for filling routes. */
  ids: Map<string, string>;
}

const secret = (value: string) => ({ HasValue: true, NewValue: value });

export async function populate2026(http: SimHttp, sim: Pick<Simulator, 'instance'>): Promise<Populated2026> {
  const populated = await populate(http, sim);
  const s = `/api/${populated.spaceId}`;
  const [dev, prod] = populated.environments as [Json, Json];
  const project = populated.project;

  // Tag sets for environments, with the 2026 Type and Scopes; an environment tagged with one.
  const classes = await http.post(`${s}/tagsets`, {
    Name: 'Environment class',
    Description: 'Production or not',
    Type: 'SingleSelect',
    Scopes: ['Environment'],
    Tags: [{ Name: 'Production', Color: '#C5AEEE' }, { Name: 'Non-production', Color: '#87BFEC' }],
  });
  await http.put(`${s}/tagsets/${String(classes.Id)}`, { ...classes, Description: 'Is it production?' });
  const currentProd = await http.get(`${s}/environments/${String(prod.Id)}`);
  await http.put(`${s}/environments/${String(prod.Id)}`, { ...currentProd, EnvironmentTags: ['Environment class/Production'] });
  await http.post(`${s}/environments`, { Name: 'Staging', EnvironmentTags: ['Environment class/Non-production'], ExtensionSettings: [] });

  // A parent environment, and a channel that creates ephemeral environments under it.
  const parent = await http.post(`${s}/parentEnvironments`, {
    Name: 'Preview',
    Description: 'Pull request environments',
    SpaceId: populated.spaceId,
    UseGuidedFailure: false,
    AutomaticDeprovisioningRule: { ExpiryDays: 3, ExpiryHours: 0 },
  });
  const parentId = String(parent.Id);
  const preview = await http.get(`${s}/parentEnvironments/${parentId}`);
  await http.put(`${s}/parentEnvironments/${parentId}`, { ...preview, EnvironmentId: parentId, Description: 'One per pull request' });
  await http.post(`${s}/projects/${String(project.Id)}/channels`, {
    Name: 'Pull requests',
    Description: 'Each pull request gets an environment',
    ProjectId: project.Id,
    SpaceId: populated.spaceId,
    Type: 'EphemeralEnvironment',
    LifecycleId: null,
    ParentEnvironmentId: parentId,
    EphemeralEnvironmentNameTemplate: 'pr-#{Octopus.Release.Number}',
    AutomaticEphemeralEnvironmentDeployments: true,
    CustomFieldDefinitions: [{ FieldName: 'Ticket', Description: 'The change ticket' }],
  });
  const channels = await http.get<{ Items: Json[] }>(`${s}/projects/${String(project.Id)}/channels`);
  const hotfix = channels.Items.find((channel) => channel.Name === 'Hotfix') as Json;
  await http.put(`${s}/projects/${String(project.Id)}/channels/${String(hotfix.Id)}`, { ...hotfix, Description: 'Urgent fixes' });

  // A step template from the community library, installed into the space.
  const library = await http.get<{ Items: Json[] }>('/api/communityactiontemplates');
  const community = library.Items[0] as Json;
  await http.post(`/api/communityactiontemplates/${String(community.Id)}/installation/${populated.spaceId}`, {});
  await http.put(`/api/communityactiontemplates/${String(community.Id)}/installation/${populated.spaceId}`, {});

  // Processes through the current (project) routes, with step Types and a Git dependency.
  const process = await http.get(`${s}/projects/${String(project.Id)}/deploymentprocesses`);
  const steps: Json[] = processSteps([String(dev.Id)]).map((step, index): Json => ({ ...step, Type: 'Step', ...(index === 0 ? { Slug: 'say-hello' } : {}) }));
  const [first] = steps as [Json];
  const [action] = first.Actions as [Json];
  action.GitDependencies = [{ Name: '', RepositoryUri: 'https://github.com/acme/scripts.git', DefaultBranch: 'main', GitCredentialType: 'Anonymous', FilePathFilters: ['deploy/*.sh'] }];
  await http.put(`${s}/projects/${String(project.Id)}/deploymentprocesses`, { ...process, Steps: steps });
  const runbookProcessId = String(populated.runbook.RunbookProcessId);
  const runbookProcess = await http.get(`${s}/projects/${String(project.Id)}/runbookProcesses/${runbookProcessId}`);
  await http.put(`${s}/projects/${String(project.Id)}/runbookProcesses/${runbookProcessId}`, { ...runbookProcess, Steps: processSteps([String(prod.Id)]) });

  // Project variables through the project route, with a prompted and a sensitive one.
  const variables = await http.get(`${s}/projects/${String(project.Id)}/variables`);
  await http.put(`${s}/projects/${String(project.Id)}/variables`, {
    ...variables,
    Variables: [
      { Name: 'Greeting', Value: 'Hello', Type: 'String', IsSensitive: false, Description: 'What to say', Scope: {} },
      { Name: 'Greeting', Value: 'Hi', Type: 'String', IsSensitive: false, Scope: { Environment: [prod.Id], Channel: [hotfix.Id] } },
      { Name: 'Db.Password', Value: 'p@ss', Type: 'Sensitive', IsSensitive: true, Scope: {} },
      {
        Name: 'Approver',
        Value: 'nobody',
        Type: 'String',
        IsSensitive: false,
        Scope: { Environment: [prod.Id] },
        Prompt: { Label: 'Approver', Description: 'Who approved', Required: true, DisplaySettings: { 'Octopus.ControlType': 'SingleLineText' } },
      },
    ],
  });
  const librarySet = (await http.get<Json[]>(`${s}/libraryvariablesets/all`)).find((set) => set.Name === 'Shared settings') as Json;
  const libraryVariables = await http.get(`${s}/variables/${String(librarySet.VariableSetId)}`);
  await http.put(`${s}/variables/${String(librarySet.VariableSetId)}`, {
    ...libraryVariables,
    Variables: [{ Name: 'Smtp.Host', Value: 'smtp.example.com', Type: 'String', IsSensitive: false, Description: 'Mail relay', Scope: { Environment: [dev.Id] } }],
  });

  // Tenant variables, both APIs: the legacy view first, then scoped values through the new one.
  const tenant = populated.tenant;
  // The legacy write is refused while the scoped API is on: written with the toggle off, as on a 2024 server.
  const legacy = await http.get(`${s}/tenants/${String(tenant.Id)}/variables`);
  sim.instance.settings.tenantVariableScoping = false;
  await http.put(`${s}/tenants/${String(tenant.Id)}/variables`, legacy);
  sim.instance.settings.tenantVariableScoping = true;
  const common = await http.get(`${s}/tenants/${String(tenant.Id)}/commonvariables?includeMissingVariables=true`);
  const setTemplate = (librarySet.Templates as Json[])[0] as Json;
  await http.put(`${s}/tenants/${String(tenant.Id)}/commonvariables`, {
    TenantId: tenant.Id,
    SpaceId: populated.spaceId,
    ConcurrencyToken: common.ConcurrencyToken,
    Variables: [
      { OwnerId: librarySet.Id, TemplateId: setTemplate.Id, Value: 'shop_dev', Scope: { EnvironmentIds: [dev.Id] } },
      { OwnerId: librarySet.Id, TemplateId: setTemplate.Id, Value: 'shop', Scope: { EnvironmentIds: [] } },
    ],
  });
  const projectVariables = await http.get(`${s}/tenants/${String(tenant.Id)}/projectvariables?includeMissingVariables=true`);
  const projectTemplate = (project.Templates as Json[])[0] as Json;
  // POST and PUT are the same write; the reference documents 200 for both.
  await http.expect(200, 'POST', `${s}/tenants/${String(tenant.Id)}/projectvariables`, {
    TenantId: tenant.Id,
    SpaceId: populated.spaceId,
    ConcurrencyToken: projectVariables.ConcurrencyToken,
    Variables: [{ OwnerId: project.Id, TemplateId: projectTemplate.Id, Value: 'https://acme.example.com', Scope: { EnvironmentIds: [dev.Id, prod.Id] } }],
  });
  // A second tenant without values, so missing variables are listed.
  await http.post(`${s}/tenants`, { Name: 'Globex', ProjectEnvironments: { [String(project.Id)]: [dev.Id] }, TenantTags: [] });

  // A second project with every 2026 setting, and every collection written once more (PUT).
  await http.post(`${s}/tagsets`, { Name: 'Project kind', Type: 'MultiSelect', Scopes: ['Project', 'Runbook'], Tags: [{ Name: 'Service', Color: '#5ECD9E' }] });
  const group = (await http.get<Json[]>(`${s}/projectgroups/all`)).find((g) => g.Name === 'Web') as Json;
  const lifecycle = (await http.get<Json[]>(`${s}/lifecycles/all`)).find((l) => l.Name === 'Two phases') as Json;
  const api = await http.post(`${s}/projects`, {
    Name: 'Payments API',
    Description: 'Takes payments',
    ProjectGroupId: group.Id,
    LifecycleId: lifecycle.Id,
    TenantedDeploymentMode: 'Untenanted',
    ReleaseNotesTemplate: 'Release #{Octopus.Release.Number}',
    DeploymentChangesTemplate: 'Changes',
    DefaultPowerShellEdition: 'Core',
    AllowIgnoreChannelRules: true,
    ForcePackageDownload: true,
    IsBadgesEnabled: true,
    Icon: { Id: 'credit-card', Color: '#1A77CA' },
    ProjectTags: ['Project kind/Service'],
    Templates: [{ Name: 'Api.Key', Label: 'API key', HelpText: 'The key tenants use', DefaultValue: secret('default-key'), DisplaySettings: { 'Octopus.ControlType': 'Sensitive' } }],
  });
  const provision = await http.post(`${s}/projects/${String(api.Id)}/runbooks`, {
    Name: 'Provision',
    Description: 'Creates what an ephemeral environment needs',
    RunbookTags: ['Project kind/Service'],
    ForcePackageDownload: true,
    RunRetentionPolicy: { QuantityToKeep: 10, ShouldKeepForever: false, Unit: 'Days' },
  });
  const apiChannels = await http.get<{ Items: Json[] }>(`${s}/projects/${String(api.Id)}/channels`);
  const apiDefault = apiChannels.Items[0] as Json;
  const currentApi = await http.get(`${s}/projects/${String(api.Id)}`);
  await http.put(`${s}/projects/${String(api.Id)}/runbooks/${String(provision.Id)}`, { ...provision, Description: 'Creates the environment' });
  await http.put(`${s}/runbooks/${String(provision.Id)}`, { ...(await http.get(`${s}/runbooks/${String(provision.Id)}`)), CancelQueuedTasks: true });
  await http.put(`${s}/channels/${String(apiDefault.Id)}`, { ...apiDefault, Description: 'Everything', LifecycleId: lifecycle.Id });
  const apiProcess = await http.get(`${s}/deploymentprocesses/${String(currentApi.DeploymentProcessId)}`);
  // The deprecated route, while it is still served; then its deprecation is put in force and lifted.
  await http.put(`${s}/deploymentprocesses/${String(currentApi.DeploymentProcessId)}`, { ...apiProcess, Steps: processSteps([String(prod.Id)]) });
  await http.expect(200, 'POST', '/api/deprecations/toggle', { Deprecation: 'PUT /deploymentprocesses/{id}', Enabled: true });
  await http.expect(404, 'PUT', `${s}/deploymentprocesses/${String(currentApi.DeploymentProcessId)}`, apiProcess);
  await http.expect(200, 'POST', '/api/deprecations/toggle', { Deprecation: 'PUT /deploymentprocesses/{id}', Enabled: false });
  // Step references once the process has the step.
  await http.put(`${s}/projects/${String(api.Id)}`, {
    ...(await http.get(`${s}/projects/${String(api.Id)}`)),
    ProvisioningRunbookId: provision.Id,
    DeprovisioningRunbookId: provision.Id,
    ReleaseCreationStrategy: { ChannelId: apiDefault.Id, ReleaseCreationPackage: { DeploymentAction: 'Deploy', PackageReference: '' } },
    VersioningStrategy: { Template: null, DonorPackage: { DeploymentAction: 'Deploy', PackageReference: '' } },
  });
  const apiVariables = await http.get(`${s}/projects/${String(api.Id)}/variables`);
  await http.put(`${s}/projects/${String(api.Id)}/variables`, {
    ...apiVariables,
    Variables: [
      { Name: 'Region', Value: 'eu-west-1', Type: 'String', IsSensitive: false, Description: 'Where it runs', Scope: { Environment: [prod.Id], Channel: [apiDefault.Id] } },
      {
        Name: 'Approver',
        Value: 'nobody',
        Type: 'String',
        IsSensitive: false,
        Scope: {},
        Prompt: { Label: 'Approver', Description: 'Who approved', Required: true, DisplaySettings: { 'Octopus.ControlType': 'SingleLineText' } },
      },
    ],
  });
  const provisionProcess = await http.get(`${s}/runbookProcesses/${String(provision.RunbookProcessId)}`);
  await http.put(`${s}/runbookProcesses/${String(provision.RunbookProcessId)}`, { ...provisionProcess, Steps: processSteps([String(dev.Id)]) });

  for (const [collection, name] of [
    ['workerpools', 'Linux workers'],
    ['certificates', 'Web TLS'],
    ['feeds', 'NuGet.org'],
    ['lifecycles', 'Two phases'],
    ['libraryvariablesets', 'Shared settings'],
    ['actiontemplates', 'Say hello'],
    ['projectgroups', 'Web'],
    ['teams', 'Web team'],
    ['tenants', 'Acme'],
  ] as const) {
    const item = (await http.get<Json[]>(`${s}/${collection}/all`)).find((candidate) => candidate.Name === name) as Json;
    const extra: Json = {};
    if (collection === 'tenants') extra.Icon = { Id: 'building', Color: '#3156B3' };
    if (collection === 'actiontemplates') extra.Packages = (item.Packages as Json[]).map((p) => ({ ...p, Version: '1.2.3' }));
    if (collection === 'libraryvariablesets') extra.Templates = (item.Templates as Json[]).map((t) => ({ ...t, HelpText: 'The database of the tenant' }));
    await http.put(`${s}/${collection}/${String(item.Id)}`, { ...item, Description: `${name}, written again`, ...extra });
  }
  const role = (await http.get<{ Items: Json[] }>(`${s}/scopeduserroles`)).Items[0] as Json;
  await http.put(`${s}/scopeduserroles/${String(role.Id)}`, { ...role, EnvironmentIds: [dev.Id, prod.Id] });
  const second = (await http.get<Json[]>('/api/spaces/all')).find((space) => space.Name === 'Second') as Json;
  await http.put(`/api/spaces/${String(second.Id)}`, { ...second, Description: 'Another space, renamed', Icon: { Id: 'rocket', Color: '#C5AEEE' } });

  // Every route form of the tenant variable writes.
  const tenantPath = (form: 'id' | 'spaces', segment: string) => (form === 'id' ? `${s}/tenants/${String(tenant.Id)}/${segment}` : `/api/spaces/${populated.spaceId}/tenants/${String(tenant.Id)}/${segment}`);
  sim.instance.settings.tenantVariableScoping = false;
  await http.expect(200, 'POST', tenantPath('id', 'variables'), await http.get(tenantPath('id', 'variables')));
  await http.put(tenantPath('spaces', 'variables'), await http.get(tenantPath('id', 'variables')));
  sim.instance.settings.tenantVariableScoping = true;
  for (const segment of ['commonvariables', 'projectvariables']) {
    const current = await http.get<{ Variables: Json[]; ConcurrencyToken: string }>(tenantPath('id', segment));
    const body = (variables: Json[], token: string) => ({
      TenantId: tenant.Id,
      SpaceId: populated.spaceId,
      ConcurrencyToken: token,
      Variables: variables.map((v) => ({ Id: v.Id, OwnerId: v.ProjectId ?? v.LibraryVariableSetId, TemplateId: v.TemplateId, Value: v.Value, Scope: v.Scope })),
    });
    const posted = await http.expect<{ Variables: Json[]; ConcurrencyToken: string }>(200, 'POST', tenantPath('id', segment), body(current.Variables, current.ConcurrencyToken));
    const put = await http.put<{ Variables: Json[]; ConcurrencyToken: string }>(tenantPath('id', segment), body(posted.Variables, posted.ConcurrencyToken));
    await http.put(tenantPath('spaces', segment), body(put.Variables, put.ConcurrencyToken));
  }
  await http.get(`${s}/tenants/variables-missing?includeDetails=true`);

  const ids = new Map<string, string>([
    ['spaces', populated.spaceId],
    ['environments', String(prod.Id)],
    ['parentenvironments', parentId],
    ['projects', String(api.Id)],
    ['tenants', String(tenant.Id)],
    ['channels', String(apiDefault.Id)],
    ['runbooks', String(provision.Id)],
    ['runbookprocesses', String(provision.RunbookProcessId)],
    ['deploymentprocesses', String(currentApi.DeploymentProcessId)],
    ['variables', String(currentApi.VariableSetId)],
    ['communityactiontemplates', String(community.Id)],
    ['userroles', 'userroles-projectdeployer'],
    ['users', 'Users-1'],
  ]);
  // Named items: the ones given every field.
  for (const [collection, name] of [
    ['workerpools', 'Linux workers'], ['machinepolicies', 'Linux policy'], ['tagsets', 'Region'], ['certificates', 'Web TLS'], ['feeds', 'NuGet.org'],
    ['lifecycles', 'Two phases'], ['libraryvariablesets', 'Shared settings'], ['actiontemplates', 'Say hello'], ['projectgroups', 'Web'], ['teams', 'Web team'],
  ] as const) {
    const item = (await http.get<Json[]>(`${s}/${collection}/all`)).find((candidate) => candidate.Name === name);
    if (item) ids.set(collection, String(item.Id));
  }
  ids.set('scopeduserroles', String(role.Id));
  return { ...populated, ids };
}

/** Path parameters that name the resource before them (`/environments/{id}`) or a kind of their own. */
const NAMED_PARAMETERS: Record<string, string> = {
  spaceId: 'spaces',
  spaceIdentifier: 'spaces',
  actiontemplatespaceId: 'spaces',
  projectId: 'projects',
  tenantId: 'tenants',
  channelId: 'channels',
  runbookId: 'runbooks',
  deploymentProcessId: 'deploymentprocesses',
};

/** A concrete path for a route, or undefined when a parameter names nothing this test created. */
export function fillRoute(route: string, ids: ReadonlyMap<string, string>): string | undefined {
  const segments = route.split('/');
  const filled: string[] = [];
  for (const [index, segment] of segments.entries()) {
    const parameter = /^\{([^}]+)\}$/.exec(segment)?.[1];
    if (parameter === undefined) {
      filled.push(segment);
      continue;
    }
    const collection = NAMED_PARAMETERS[parameter] ?? (segments[index - 1] ?? '').toLowerCase();
    const id = ids.get(collection);
    if (id === undefined) return undefined;
    filled.push(id);
  }
  return filled.join('/');
}

/** GETs the main route of every documented read, filled with the ids of what was created. */
export async function readDocumentedRoutes(http: SimHttp, populated: Populated2026, reads: readonly ReferenceEndpoint[]): Promise<Exchange[]> {
  const exchanges: Exchange[] = [];
  for (const endpoint of reads) {
    const path = fillRoute(endpoint.path, populated.ids);
    if (path === undefined) continue;
    exchanges.push(await http.request('GET', path));
    // Missing-variable lists are only sent when asked for.
    if (/variables$/i.test(path) && /\/tenants\//i.test(path)) exchanges.push(await http.request('GET', `${path}?includeMissingVariables=true`));
  }
  return exchanges;
}
