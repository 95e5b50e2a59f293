// Creates a resource of every kind the simulator serves through its HTTP API, with the fields
// real clients set (references between kinds, sensitive values, nested lists), and modifies
// some, so responses carry more than defaults. Independent of the seeds.
import type { Simulator } from '../../../../src/simulator/index.js';
import type { Json, SimHttp } from './http.js';
import { TEST_CERTIFICATE_PEM } from './test-certificate.js';

export interface Populated {
  spaceId: string;
  environments: Json[];
  project: Json;
  tenant: Json;
  runbook: Json;
}

const secret = (value: string) => ({ HasValue: true, NewValue: value });

export async function populate(http: SimHttp, sim: Pick<Simulator, 'instance'>, spaceId = 'Spaces-1'): Promise<Populated> {
  const s = `/api/${spaceId}`;

  const dev = await http.post(`${s}/environments`, { Name: 'Development', Description: 'Where changes land first', AllowDynamicInfrastructure: true });
  const prod = await http.post(`${s}/environments`, { Name: 'Production', Description: null, UseGuidedFailure: true });
  await http.put(`${s}/environments/${String(prod.Id)}`, { ...prod, Description: 'Live' });

  const staticPool = await http.post(`${s}/workerpools`, { Name: 'Linux workers', Description: 'Static pool', WorkerPoolType: 'StaticWorkerPool' });
  // Dynamic pools exist only on Octopus Cloud: the tests that populate run a cloud-flavoured simulator.
  await http.post(`${s}/workerpools`, { Name: 'Ubuntu 22.04 pool', WorkerPoolType: 'DynamicWorkerPool', WorkerType: 'Ubuntu2204' });

  const policy = await http.post(`${s}/machinepolicies`, { Name: 'Linux policy', Description: 'Checks often' });
  await http.put(`${s}/machinepolicies/${String(policy.Id)}`, {
    ...policy,
    ConnectionRetryCountLimit: 3,
    MachineHealthCheckPolicy: { ...(policy.MachineHealthCheckPolicy as Json), HealthCheckInterval: '00:30:00' },
  });

  const tagSet = await http.post(`${s}/tagsets`, {
    Name: 'Region',
    Description: 'Where a tenant is hosted',
    Tags: [{ Name: 'EU', Color: '#3156B3', Description: 'Europe' }],
  });
  await http.put(`${s}/tagsets/${String(tagSet.Id)}`, { ...tagSet, Tags: [...(tagSet.Tags as Json[]), { Name: 'US', Color: '#5ECD9E' }] });

  await http.post(`${s}/certificates`, {
    Name: 'Web TLS',
    Notes: 'A self-signed test certificate',
    CertificateData: secret(Buffer.from(TEST_CERTIFICATE_PEM).toString('base64')),
    EnvironmentIds: [prod.Id],
    TenantedDeploymentParticipation: 'Untenanted',
  });

  const nuget = await http.post(`${s}/feeds`, {
    Name: 'NuGet.org',
    FeedType: 'NuGet',
    FeedUri: 'https://api.nuget.org/v3/index.json',
    Username: 'reader',
    Password: secret('nuget-password'),
  });
  await http.post(`${s}/feeds`, { Name: 'Docker Hub', FeedType: 'Docker', FeedUri: 'https://index.docker.io', ApiVersion: 'v2' });
  await http.post(`${s}/feeds`, { Name: 'Maven Central', FeedType: 'Maven', FeedUri: 'https://repo.maven.apache.org/maven2/' });
  await http.post(`${s}/feeds`, { Name: 'GitHub releases', FeedType: 'GitHub', FeedUri: 'https://api.github.com' });
  await http.post(`${s}/feeds`, { Name: 'Helm charts', FeedType: 'Helm', FeedUri: 'https://charts.example.com' });
  await http.post(`${s}/feeds`, { Name: 'ECR', FeedType: 'AwsElasticContainerRegistry', Region: 'eu-west-1', AccessKey: 'AKIAEXAMPLE', SecretKey: secret('ecr-secret') });

  await http.post(`${s}/accounts`, { Name: 'Deploy user', AccountType: 'UsernamePassword', Username: 'deploy', Password: secret('pw'), EnvironmentIds: [dev.Id] });
  await http.post(`${s}/accounts`, { Name: 'API token', AccountType: 'Token', Token: secret('token') });
  await http.post(`${s}/accounts`, { Name: 'AWS', AccountType: 'AmazonWebServicesAccount', AccessKey: 'AKIAEXAMPLE', SecretKey: secret('aws-secret') });
  await http.post(`${s}/accounts`, {
    Name: 'Azure',
    AccountType: 'AzureServicePrincipal',
    SubscriptionNumber: '2f1e6bd9-7c5a-4a6e-9d8b-0b8a3c1e2f40',
    ClientId: '7d0c7f1f-34e8-4c32-9f5a-1f2b3c4d5e6f',
    TenantId: '0b8a3c1e-2f40-4a6e-9d8b-2f1e6bd97c5a',
    Password: secret('azure-secret'),
  });
  await http.post(`${s}/accounts`, { Name: 'SSH', AccountType: 'SshKeyPair', Username: 'deploy', PrivateKeyFile: secret('a2V5'), PrivateKeyPassphrase: secret('phrase') });

  const lifecycle = await http.post(`${s}/lifecycles`, {
    Name: 'Two phases',
    Description: 'Development then production',
    ReleaseRetentionPolicy: { Unit: 'Days', QuantityToKeep: 30, ShouldKeepForever: false },
    TentacleRetentionPolicy: { Unit: 'Items', QuantityToKeep: 3, ShouldKeepForever: false },
    Phases: [
      { Name: 'Development', AutomaticDeploymentTargets: [dev.Id], OptionalDeploymentTargets: [], MinimumEnvironmentsBeforePromotion: 0, IsOptionalPhase: false },
      { Name: 'Production', OptionalDeploymentTargets: [prod.Id], ReleaseRetentionPolicy: { Unit: 'Items', QuantityToKeep: 10, ShouldKeepForever: false } },
    ],
  });

  const libraryVariableSet = await http.post(`${s}/libraryvariablesets`, {
    Name: 'Shared settings',
    Description: 'Used by every project',
    ContentType: 'Variables',
    Templates: [{ Name: 'Tenant.Database', Label: 'Database', HelpText: null, DefaultValue: 'shop', DisplaySettings: { 'Octopus.ControlType': 'SingleLineText' } }],
  });
  await http.post(`${s}/libraryvariablesets`, { Name: 'Logging helpers', ContentType: 'ScriptModule' });

  await http.post(`${s}/actiontemplates`, {
    Name: 'Say hello',
    Description: 'Prints a greeting',
    ActionType: 'Octopus.Script',
    Properties: {
      'Octopus.Action.Script.ScriptSource': 'Inline',
      'Octopus.Action.Script.Syntax': 'Bash',
      'Octopus.Action.Script.ScriptBody': 'echo "#{Greeting}"',
      ApiToken: secret('template-secret'),
    },
    Parameters: [{ Name: 'Greeting', Label: 'Greeting', HelpText: 'What to say', DefaultValue: 'Hello', DisplaySettings: { 'Octopus.ControlType': 'SingleLineText' } }],
    Packages: [{ Name: 'tool', PackageId: 'Acme.Tool', FeedId: nuget.Id, AcquisitionLocation: 'Server', Properties: { Extract: 'True' } }],
  });

  const group = await http.post(`${s}/projectgroups`, { Name: 'Web', Description: 'Customer-facing sites', EnvironmentIds: [dev.Id, prod.Id] });

  const created = await http.post(`${s}/projects`, {
    Name: 'Web shop',
    Description: 'The shop',
    ProjectGroupId: group.Id,
    LifecycleId: lifecycle.Id,
    IncludedLibraryVariableSetIds: [libraryVariableSet.Id],
    TenantedDeploymentMode: 'TenantedOrUntenanted',
    Templates: [{ Name: 'Shop.Url', Label: 'Shop URL', DefaultValue: 'https://shop.example.com', DisplaySettings: { 'Octopus.ControlType': 'SingleLineText' } }],
  });
  const project = await http.put(`${s}/projects/${String(created.Id)}`, { ...created, DefaultGuidedFailureMode: 'On', ReleaseNotesTemplate: 'Notes' });

  await http.post(`${s}/channels`, {
    Name: 'Hotfix',
    Description: 'Straight to production',
    ProjectId: project.Id,
    LifecycleId: lifecycle.Id,
    Rules: [{ VersionRange: '[1.0,2.0)', Tag: '^$', ActionPackages: [{ DeploymentAction: 'Deploy', PackageReference: '' }] }],
    TenantTags: ['Region/EU'],
  });

  const tenant = await http.post(`${s}/tenants`, {
    Name: 'Acme',
    Description: 'First customer',
    TenantTags: ['Region/EU'],
    ProjectEnvironments: { [String(project.Id)]: [dev.Id, prod.Id] },
  });

  const team = await http.post(`${s}/teams`, { Name: 'Web team', Description: 'Builds the shop', MemberUserIds: ['Users-1'], ExternalSecurityGroups: [] });
  await http.post(`${s}/scopeduserroles`, {
    TeamId: team.Id,
    UserRoleId: 'userroles-projectdeployer',
    ProjectIds: [project.Id],
    EnvironmentIds: [prod.Id],
    TenantIds: [tenant.Id],
  });

  const runbook = await http.post(`${s}/projects/${String(project.Id)}/runbooks`, {
    Name: 'Restart',
    Description: 'Restarts the site',
    EnvironmentScope: 'Specified',
    Environments: [prod.Id],
    MultiTenancyMode: 'Untenanted',
  });
  await http.post(`${s}/runbooks`, { Name: 'Flush cache', Description: 'Empties the cache', ProjectId: project.Id });

  await http.post(`${s}/machines`, {
    Name: 'web-01',
    EnvironmentIds: [dev.Id],
    Roles: ['web'],
    MachinePolicyId: policy.Id,
    Endpoint: { CommunicationStyle: 'TentaclePassive', Uri: 'https://web-01.example.com:10933/', Thumbprint: '1C5E2D7A9B3F4C6D8E0A1B2C3D4E5F6A7B8C9D0E' },
  });
  await http.post(`${s}/workers`, {
    Name: 'worker-01',
    WorkerPoolIds: [staticPool.Id],
    MachinePolicyId: policy.Id,
    Endpoint: { CommunicationStyle: 'TentacleActive', Uri: 'poll://worker01/', Thumbprint: '2D6F3E8B0C4A5D7E9F1B2C3D4E5F6A7B8C9D0E1F' },
  });

  // The simulator serves releases read-only (octosync never writes one, and the real
  // `POST /releases` needs a deployment process snapshot), so the release is created through
  // the model, the same path seeds use; the swagger test then checks how it is served.
  const defaultChannel = sim.instance.list('channels', spaceId).find((c) => c.ProjectId === project.Id && c.IsDefault === true);
  sim.instance.create('releases', spaceId, { Version: '1.0.0', ProjectId: project.Id, ChannelId: defaultChannel?.Id, ReleaseNotes: 'First' });

  // Deletes answer as the swagger declares too.
  const doomed = await http.post(`${s}/environments`, { Name: 'Short-lived' });
  await http.expect(200, 'DELETE', `${s}/environments/${String(doomed.Id)}`);

  await http.post('/api/spaces', { Name: 'Second', Description: 'Another space', SpaceManagersTeamMembers: ['Users-1'], SpaceManagersTeams: [] });

  return { spaceId, environments: [dev, prod], project, tenant, runbook };
}

/**
 * Writes the documents a project, a runbook and a tenant own (variables, processes, tenant
 * variable values). Each may fail on its own (some routes are built by parallel work), so each
 * failure is returned by kind for that kind's test to report instead of aborting the rest.
 */
export async function writeOwnedDocuments(http: SimHttp, populated: Populated): Promise<Map<string, string>> {
  const s = `/api/${populated.spaceId}`;
  const [dev, prod] = populated.environments;
  const failures = new Map<string, string>();
  const attempt = async (kind: string, write: () => Promise<unknown>) => {
    try {
      await write();
    } catch (error) {
      failures.set(kind, error instanceof Error ? error.message : String(error));
    }
  };

  await attempt('variables', async () => {
    const url = `${s}/variables/${String(populated.project.VariableSetId)}`;
    const set = await http.get(url);
    await http.put(url, {
      ...set,
      Variables: [
        { Name: 'Greeting', Value: 'Hello', Type: 'String', IsSensitive: false, Scope: {} },
        { Name: 'Greeting', Value: 'Hi', Type: 'String', IsSensitive: false, Scope: { Environment: [prod?.Id] } },
        { Name: 'Db.Password', Value: 'p@ss', Type: 'Sensitive', IsSensitive: true, Scope: {} },
        {
          Name: 'Approver',
          Value: null,
          Type: 'String',
          IsSensitive: false,
          Scope: {},
          Prompt: { Label: 'Approver', Description: 'Who approved', Required: true, DisplaySettings: { 'Octopus.ControlType': 'SingleLineText' } },
        },
      ],
    });
  });

  await attempt('deploymentprocesses', async () => {
    const url = `${s}/deploymentprocesses/${String(populated.project.DeploymentProcessId)}`;
    const process = await http.get(url);
    await http.put(url, { ...process, Steps: processSteps([String(dev?.Id)]) });
  });

  await attempt('runbookProcesses', async () => {
    const url = `${s}/runbookProcesses/${String(populated.runbook.RunbookProcessId)}`;
    const process = await http.get(url);
    await http.put(url, { ...process, Steps: processSteps([String(prod?.Id)]) });
  });

  await attempt('tenantvariables', async () => {
    const url = `${s}/tenants/${String(populated.tenant.Id)}/variables`;
    const variables = await http.get(url);
    const projectId = String(populated.project.Id);
    const template = (populated.project.Templates as Json[])[0];
    const projectVariables = (variables.ProjectVariables ?? {}) as Record<string, Json>;
    const entry = projectVariables[projectId] ?? {};
    await http.put(url, {
      ...variables,
      ProjectVariables: {
        ...projectVariables,
        [projectId]: { ...entry, Variables: { [String(dev?.Id)]: { [String(template?.Id)]: 'https://acme.example.com' } } },
      },
    });
  });

  return failures;
}

/** Two steps as the portal writes them: a script with a sensitive property, and a package step. */
export function processSteps(environmentIds: string[]): Json[] {
  return [
    {
      Name: 'Say hello',
      PackageRequirement: 'LetOctopusDecide',
      Condition: 'Success',
      StartTrigger: 'StartAfterPrevious',
      Properties: { 'Octopus.Action.TargetRoles': 'web' },
      Actions: [
        {
          Name: 'Say hello',
          ActionType: 'Octopus.Script',
          IsDisabled: false,
          IsRequired: false,
          CanBeUsedForProjectVersioning: false,
          WorkerPoolId: null,
          Environments: environmentIds,
          ExcludedEnvironments: [],
          Channels: [],
          TenantTags: [],
          Packages: [],
          Condition: 'Success',
          Notes: 'Greets',
          Properties: {
            'Octopus.Action.RunOnServer': 'true',
            'Octopus.Action.Script.ScriptSource': 'Inline',
            'Octopus.Action.Script.Syntax': 'Bash',
            'Octopus.Action.Script.ScriptBody': 'echo hello',
            ApiToken: secret('step-secret'),
          },
        },
      ],
    },
    {
      Name: 'Deploy',
      PackageRequirement: 'LetOctopusDecide',
      Condition: 'Success',
      StartTrigger: 'StartAfterPrevious',
      Properties: { 'Octopus.Action.TargetRoles': 'web' },
      Actions: [
        {
          Name: 'Deploy',
          ActionType: 'Octopus.TentaclePackage',
          Environments: [],
          ExcludedEnvironments: [],
          Channels: [],
          TenantTags: [],
          Packages: [{ Name: '', PackageId: 'Acme.Web', FeedId: 'feeds-builtin', AcquisitionLocation: 'Server', Properties: {} }],
          Properties: { 'Octopus.Action.Package.PackageId': 'Acme.Web', 'Octopus.Action.Package.FeedId': 'feeds-builtin' },
        },
      ],
    },
  ];
}
