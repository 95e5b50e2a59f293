// The `sample` seed: a small but realistic instance with one or more of everything octosync
// syncs (environments, lifecycles with phases, worker pools, a machine policy, feeds with
// credentials, a certificate, tag sets, tenants with project connections and variables, library
// variable sets with tenant templates, script modules, a step template, teams with scoped user
// roles, project groups, projects with channels, variables, processes and runbooks) and of what
// it must never sync (releases, deployment targets, workers, accounts, users).
//
// Every secret starts with `sample-secret-` (and the certificate data is in
// `store.secretValues()` too), so tests can search responses, Git history and logs for leaks.
import { convertProject } from '../resources/version-control.js';
import { migrateRunbooks } from '../resources/version-control-runbooks.js';
import type { Instance } from '../instance.js';
import { replaceTenantVariables } from '../resources/tenant-variables.js';
import type { Doc } from '../store.js';
import type { Step } from './builder.js';
import { inlineScript, keep, lines, SeedBuilder, thumbprintFor } from './builder.js';
import { SAMPLE_CERTIFICATE_PEM } from './sample-certificate.js';

const secret = (name: string) => ({ HasValue: true, NewValue: `sample-secret-${name}` });

export function seedSample(instance: Instance): void {
  const b = new SeedBuilder(instance, 'sample');
  const users = seedUsers(instance);
  const env = seedEnvironments(b);
  seedTagSets(b);
  const pools = seedWorkerPools(b);
  const policyId = seedMachinePolicy(b);
  const accounts = seedAccounts(b, env);
  const certificateId = seedCertificate(b, env);
  const feeds = seedFeeds(b);
  const lifecycles = seedLifecycles(b, env);
  const libraries = seedLibraries(b, env, accounts, pools);
  const slack = seedStepTemplate(b);
  const groups = {
    web: b.create('projectgroups', { Name: 'Web', Description: 'Customer-facing web applications.', EnvironmentIds: [] }).Id,
    services: b.create('projectgroups', { Name: 'Services', Description: 'Back-end services and APIs.' }).Id,
  };
  const teams = seedTeams(b, users);
  const ctx: ProjectContext = { b, env, pools, feeds, lifecycles, libraries, slack, groups, accounts, certificateId, teams };
  const webShop = seedWebShop(ctx);
  const payments = seedPaymentsApi(ctx);
  const inventory = seedInventoryService(ctx);
  const portal = seedCustomerPortal(ctx);
  seedLegacyReports(ctx);
  seedPetClinic(ctx);
  const tenants = seedTenants(b, env, portal, libraries.common);
  seedScopedUserRoles(b, env, teams, groups, portal, tenants);
  seedReleases(b, [webShop, payments, inventory, portal]);
  seedMachines(b, env, pools, policyId, tenants);
}

type Environments = Record<'dev' | 'test' | 'staging' | 'production', string>;

interface ProjectContext {
  b: SeedBuilder;
  env: Environments;
  pools: { linux: string; hosted: string };
  feeds: { nuget: string; docker: string; helm: string };
  lifecycles: { devToProduction: string; hotfix: string; internal: string };
  libraries: { common: Doc; notifications: Doc; logging: Doc; retry: Doc };
  slack: Doc;
  groups: { web: string; services: string };
  accounts: { deploy: string; aws: string };
  certificateId: string;
  teams: { developers: string; releaseManagers: string; customerSuccess: string };
}

function seedUsers(instance: Instance): Record<'alice' | 'bob' | 'carol' | 'ciBot', string> {
  const user = (Username: string, DisplayName: string, extra: Record<string, unknown> = {}) =>
    instance.create('users', null, { Username, DisplayName, EmailAddress: `${Username}@example.com`, ...extra }).Id;
  return {
    alice: user('alice', 'Alice Developer'),
    bob: user('bob', 'Bob Builder'),
    carol: user('carol', 'Carol Release-Manager'),
    ciBot: user('ci-bot', 'CI Service Account', { IsService: true, EmailAddress: null, CanPasswordBeEdited: false }),
  };
}

function seedEnvironments(b: SeedBuilder): Environments {
  const environment = (Name: string, Description: string, extra: Record<string, unknown> = {}) => b.create('environments', { Name, Description, ...extra }).Id;
  return {
    dev: environment('Dev', 'Development: every build lands here automatically.', { AllowDynamicInfrastructure: true }),
    test: environment('Test', 'Shared QA environment for integration and exploratory testing.', { AllowDynamicInfrastructure: true }),
    staging: environment('Staging', 'Production-like environment for release candidates.'),
    production: environment('Production', 'Live customer traffic. Deployments use guided failure.', { UseGuidedFailure: true }),
  };
}

function seedTagSets(b: SeedBuilder): void {
  b.create('tagsets', {
    Name: 'Tier',
    Description: 'Service level the customer pays for.',
    Tags: [
      { Name: 'Gold', Color: '#D4AF37', Description: 'Premium support, early access.' },
      { Name: 'Silver', Color: '#A7A7A7' },
      { Name: 'Bronze', Color: '#CD7F32' },
    ],
  });
  b.create('tagsets', {
    Name: 'Region',
    Description: 'Where the customer is hosted.',
    Tags: [
      { Name: 'EU', Color: '#3156B3', Description: 'Hosted in Frankfurt.' },
      { Name: 'US', Color: '#B33131', Description: 'Hosted in Virginia.' },
    ],
  });
}

function seedWorkerPools(b: SeedBuilder): ProjectContext['pools'] {
  return {
    linux: b.create('workerpools', { Name: 'Linux Workers', Description: 'Self-hosted Ubuntu workers in the build network.', WorkerPoolType: 'StaticWorkerPool' }).Id,
    hosted: hostedUbuntuPool(b, 'Dynamic workers provided by Octopus Cloud.', 'Ubuntu workers standing in for the pool Octopus Cloud hosts.'),
  };
}

/**
 * "Hosted Ubuntu": on Octopus Cloud the space's own dynamic pool (given the sample's description
 * and worker type); a self-hosted server cannot have dynamic pools, so there it is a static pool
 * of the same name, as self-hosted instances that mirror a Cloud one name theirs.
 */
export function hostedUbuntuPool(b: SeedBuilder, cloudDescription: string, selfHostedDescription: string): string {
  if (b.instance.settings.flavour !== 'cloud') {
    return b.create('workerpools', { Name: 'Hosted Ubuntu', Description: selfHostedDescription, WorkerPoolType: 'StaticWorkerPool' }).Id;
  }
  const pool = b.instance.findByName('workerpools', b.spaceId, 'Hosted Ubuntu');
  if (!pool) return b.create('workerpools', { Name: 'Hosted Ubuntu', Description: cloudDescription, WorkerPoolType: 'DynamicWorkerPool', WorkerType: 'Ubuntu2204' }).Id;
  return b.instance.update('workerpools', b.spaceId, pool.Id, { ...pool, Description: cloudDescription, WorkerType: 'Ubuntu2204' }).Id;
}

function seedMachinePolicy(b: SeedBuilder): string {
  const defaults = b.instance.def('machinepolicies').defaults();
  return b.create('machinepolicies', {
    ...defaults,
    Name: 'Linux Targets',
    Description: 'Health checks for Linux targets every 30 minutes; unavailable targets are removed after a day.',
    MachineHealthCheckPolicy: {
      PowerShellHealthCheckPolicy: { RunType: 'Inline', ScriptBody: '' },
      BashHealthCheckPolicy: {
        RunType: 'Inline',
        ScriptBody: lines(
          '#!/bin/bash',
          'set -euo pipefail',
          'free_kb=$(df --output=avail / | tail -n 1)',
          'if [ "$free_kb" -lt 1048576 ]; then',
          '  echo "Less than 1 GB free on /" >&2',
          '  exit 1',
          'fi',
        ),
      },
      HealthCheckInterval: '00:30:00',
      HealthCheckCron: null,
      HealthCheckCronTimezone: 'UTC',
      HealthCheckType: 'RunScript',
    },
    MachineConnectivityPolicy: { MachineConnectivityBehavior: 'MayBeOfflineAndCanBeSkipped' },
    MachineCleanupPolicy: { DeleteMachinesBehavior: 'DeleteUnavailableMachines', DeleteMachinesElapsedTimeSpan: '1.00:00:00' },
    MachineUpdatePolicy: { CalamariUpdateBehavior: 'UpdateAlways', TentacleUpdateBehavior: 'Update', TentacleUpdateAccountId: null },
    ConnectionRetryCountLimit: 3,
  }).Id;
}

function seedAccounts(b: SeedBuilder, env: Environments): ProjectContext['accounts'] {
  return {
    deploy: b.create('accounts', {
      Name: 'Deploy Service Account',
      Description: 'Windows account the web site deployments run as.',
      AccountType: 'UsernamePassword',
      Username: 'svc-deploy',
      Password: secret('deploy-account-password'),
    }).Id,
    aws: b.create('accounts', {
      Name: 'AWS Production',
      Description: 'IAM user for the CDN and S3 buckets.',
      AccountType: 'AmazonWebServicesAccount',
      AccessKey: 'AKIASAMPLEOCTOSYNC01',
      SecretKey: secret('aws-secret-access-key'),
      EnvironmentIds: [env.staging, env.production],
    }).Id,
  };
}

function seedCertificate(b: SeedBuilder, env: Environments): string {
  return b.create('certificates', {
    Name: 'Web Shop TLS',
    Notes: 'TLS certificate for shop.example.com (self-signed sample).',
    CertificateData: { HasValue: true, NewValue: Buffer.from(SAMPLE_CERTIFICATE_PEM, 'utf8').toString('base64') },
    Password: secret('certificate-password'),
    EnvironmentIds: [env.staging, env.production],
    TenantedDeploymentParticipation: 'TenantedOrUntenanted',
    TenantTags: ['Tier/Gold'],
  }).Id;
}

function seedFeeds(b: SeedBuilder): ProjectContext['feeds'] {
  return {
    nuget: b.create('feeds', {
      Name: 'Internal NuGet',
      FeedType: 'NuGet',
      FeedUri: 'https://nuget.example.com/v3/index.json',
      Username: 'octopus-reader',
      Password: secret('nuget-feed-password'),
      EnhancedMode: true,
      DownloadAttempts: 3,
      DownloadRetryBackoffSeconds: 20,
    }).Id,
    docker: b.create('feeds', {
      Name: 'Docker Hub',
      FeedType: 'Docker',
      FeedUri: 'https://index.docker.io',
      ApiVersion: 'v2',
      RegistryPath: null,
      Username: 'octosyncbot',
      Password: secret('docker-hub-token'),
    }).Id,
    helm: b.create('feeds', {
      Name: 'Company Helm Charts',
      FeedType: 'Helm',
      FeedUri: 'https://charts.example.com/stable',
      Username: 'helm-reader',
      Password: secret('helm-repo-password'),
    }).Id,
  };
}

function seedLifecycles(b: SeedBuilder, env: Environments): ProjectContext['lifecycles'] {
  const phase = (Name: string, fields: Record<string, unknown>) => ({ Id: b.guid(), Name, ...fields });
  const devToProduction = b.create('lifecycles', {
    Name: 'Dev to Production',
    Description: 'Every release goes Dev → Test → Staging → Production.',
    ReleaseRetentionPolicy: keep(30, 'Days'),
    TentacleRetentionPolicy: keep(3, 'Items'),
    Phases: [
      phase('Development', { AutomaticDeploymentTargets: [env.dev] }),
      phase('Testing', { OptionalDeploymentTargets: [env.test] }),
      phase('Staging', { OptionalDeploymentTargets: [env.staging] }),
      phase('Production', { OptionalDeploymentTargets: [env.production], ReleaseRetentionPolicy: keep(10, 'Items'), TentacleRetentionPolicy: keep(5, 'Items') }),
    ],
  }).Id;
  const hotfix = b.create('lifecycles', {
    Name: 'Hotfix',
    Description: 'Straight to production; staging is optional.',
    ReleaseRetentionPolicy: keep(5, 'Items'),
    TentacleRetentionPolicy: keep(2, 'Items'),
    Phases: [
      phase('Staging', { OptionalDeploymentTargets: [env.staging], IsOptionalPhase: true }),
      phase('Production', { OptionalDeploymentTargets: [env.production] }),
    ],
  }).Id;
  const internal = b.create('lifecycles', {
    Name: 'Internal Tools',
    Description: 'Tools that never leave the test environments.',
    ReleaseRetentionPolicy: keep(7, 'Days'),
    TentacleRetentionPolicy: keep(7, 'Days'),
    Phases: [phase('Dev and Test', { AutomaticDeploymentTargets: [env.dev], OptionalDeploymentTargets: [env.test], MinimumEnvironmentsBeforePromotion: 1 })],
  }).Id;
  return { devToProduction, hotfix, internal };
}

function seedLibraries(b: SeedBuilder, env: Environments, accounts: ProjectContext['accounts'], pools: ProjectContext['pools']): ProjectContext['libraries'] {
  const common = b.create('libraryvariablesets', {
    Name: 'Common Settings',
    Description: 'Settings every application shares, and what each customer (tenant) must provide.',
    Templates: [
      b.template('Customer.ContactEmail', 'Customer contact email', { helpText: 'Who we notify about maintenance.', defaultValue: 'ops@example.com' }),
      b.template('Customer.SupportPin', 'Support PIN', { helpText: 'PIN the customer gives to support.', control: 'Sensitive' }),
    ],
  });
  b.setVariables(String(common.VariableSetId), [
    b.variable('Smtp.Host', 'smtp.example.com'),
    b.variable('Smtp.Port', '587'),
    b.variable('Smtp.Password', 'sample-secret-smtp-password', { sensitive: true, description: 'Password of the SMTP relay user.' }),
    b.variable('LogLevel', 'Debug', { scope: { Environment: [env.dev, env.test] } }),
    b.variable('LogLevel', 'Information', { scope: { Environment: [env.staging] } }),
    b.variable('LogLevel', 'Warning', { scope: { Environment: [env.production] } }),
    b.variable('Datadog.ApiKey', 'sample-secret-datadog-api-key', { sensitive: true, scope: { Environment: [env.staging, env.production] } }),
    b.variable('Aws.Account', accounts.aws, { type: 'AmazonWebServicesAccount', scope: { Environment: [env.staging, env.production] } }),
    b.variable('Deploy.Account', accounts.deploy, { type: 'UsernamePasswordAccount' }),
    b.variable('Build.WorkerPool', pools.linux, { type: 'WorkerPool' }),
  ]);

  const notifications = b.create('libraryvariablesets', { Name: 'Notification Settings', Description: 'Where deployment notifications go.' });
  b.setVariables(String(notifications.VariableSetId), [
    b.variable('Slack.Channel', '#deployments'),
    b.variable('Slack.Channel', '#prod-deployments', { scope: { Environment: [env.production] } }),
    b.variable('Slack.WebhookUrl', 'sample-secret-slack-webhook-notifications', { sensitive: true }),
  ]);

  const logging = scriptModule(b, 'Logging Helpers', 'PowerShell functions for structured deployment logs.', 'PowerShell', lines(
    'function Write-Step {',
    '    param([string]$Message)',
    '    Write-Host "[$(Get-Date -Format o)] $Message"',
    '}',
    '',
    'function Write-Highlight {',
    '    param([string]$Message)',
    '    Write-Host "##octopus[stdout-highlight]"',
    '    Write-Host $Message',
    '    Write-Host "##octopus[stdout-default]"',
    '}',
  ));
  const retry = scriptModule(b, 'Retry Helpers', 'Bash helpers to retry flaky commands.', 'Bash', lines(
    'retry() {',
    '  local attempts=$1; shift',
    '  local n=1',
    '  until "$@"; do',
    '    if [ "$n" -ge "$attempts" ]; then return 1; fi',
    '    n=$((n + 1))',
    '    sleep $((n * 2))',
    '  done',
    '}',
  ));
  return { common, notifications, logging, retry };
}

/** A script module: a library variable set whose two variables hold the body and its language. */
function scriptModule(b: SeedBuilder, name: string, description: string, language: 'PowerShell' | 'Bash', body: string): Doc {
  const module = b.create('libraryvariablesets', { Name: name, Description: description, ContentType: 'ScriptModule' });
  b.setVariables(String(module.VariableSetId), [
    b.variable(`Octopus.Script.Module[${name}]`, body),
    b.variable(`Octopus.Script.Module.Language[${name}]`, language),
  ]);
  return module;
}

function seedStepTemplate(b: SeedBuilder): Doc {
  return b.create('actiontemplates', {
    Name: 'Notify Slack',
    Description: 'Posts a deployment message to a Slack channel through an incoming webhook.',
    ActionType: 'Octopus.Script',
    Parameters: [
      b.template('Slack.WebhookUrl', 'Webhook URL', { helpText: 'The incoming webhook of the Slack app.', control: 'Sensitive' }),
      b.template('Slack.Channel', 'Channel', { helpText: 'Channel to post to.', defaultValue: '#deployments' }),
      b.template('Slack.Message', 'Message', {
        control: 'MultiLineText',
        defaultValue: '#{Octopus.Project.Name} #{Octopus.Release.Number} deployed to #{Octopus.Environment.Name}',
      }),
    ],
    Properties: {
      ...inlineScript('PowerShell', lines(
        '$payload = @{',
        '    channel = $OctopusParameters["Slack.Channel"]',
        '    text    = $OctopusParameters["Slack.Message"]',
        '} | ConvertTo-Json',
        'Invoke-RestMethod -Method Post -Uri $OctopusParameters["Slack.WebhookUrl"] -Body $payload -ContentType "application/json"',
      )),
      // The template's own default for the sensitive parameter: a secret property.
      'Slack.WebhookUrl': secret('slack-webhook-template-default'),
    },
  });
}

/** An action that runs the Notify Slack step template (parameter values are action properties). */
function notifySlackStep(ctx: ProjectContext, channel: string, options: { condition?: 'Always' | 'Success' } = {}): Step {
  const { b, slack } = ctx;
  const templateProperties = slack.Properties as Record<string, unknown>;
  return b.step('Notify Slack', {
    ActionType: 'Octopus.Script',
    WorkerPoolId: ctx.pools.hosted,
    Properties: {
      'Octopus.Action.Template.Id': slack.Id,
      'Octopus.Action.Template.Version': String(slack.Version ?? 0),
      'Octopus.Action.RunOnServer': 'true',
      'Octopus.Action.Script.ScriptSource': 'Inline',
      'Octopus.Action.Script.Syntax': 'PowerShell',
      'Octopus.Action.Script.ScriptBody': String(templateProperties['Octopus.Action.Script.ScriptBody']),
      'Slack.Channel': channel,
      'Slack.Message': '#{Octopus.Project.Name} #{Octopus.Release.Number} → #{Octopus.Environment.Name}: #{Octopus.Deployment.Error | Default "succeeded"}',
      'Slack.WebhookUrl': secret(`slack-webhook-${channel.replace(/[^a-z]/g, '')}`),
    },
  }, { condition: options.condition ?? 'Always' });
}

function seedTeams(b: SeedBuilder, users: ReturnType<typeof seedUsers>): ProjectContext['teams'] {
  return {
    developers: b.create('teams', { Name: 'Developers', Description: 'Application developers: deploy to Dev and Test.', MemberUserIds: [users.alice, users.bob] }).Id,
    releaseManagers: b.create('teams', {
      Name: 'Release Managers',
      Description: 'Approve and run production deployments.',
      MemberUserIds: [users.carol],
      ExternalSecurityGroups: [{ Id: 'S-1-5-21-1004336348-1177238915-682003330-512', DisplayName: 'EXAMPLE\\Release Managers', DisplayIdAndName: true }],
    }).Id,
    customerSuccess: b.create('teams', { Name: 'Customer Success', Description: 'Manage tenants and watch their deployments.', MemberUserIds: [users.carol, users.ciBot] }).Id,
  };
}

function seedWebShop(ctx: ProjectContext): Doc {
  const { b, env, feeds, lifecycles, libraries, pools } = ctx;
  const project = b.create('projects', {
    Name: 'Web Shop',
    Description: 'The customer-facing shop (ASP.NET on IIS).',
    ProjectGroupId: ctx.groups.web,
    LifecycleId: lifecycles.devToProduction,
    IncludedLibraryVariableSetIds: [libraries.common.Id, libraries.notifications.Id, libraries.logging.Id],
    DefaultGuidedFailureMode: 'EnvironmentDefault',
    ProjectConnectivityPolicy: { SkipMachineBehavior: 'SkipUnavailableMachines', TargetRoles: ['web-server'], AllowDeploymentsToNoTargets: false, ExcludeUnhealthyTargets: true },
    ReleaseNotesTemplate: 'Packages:\n#{each package in Octopus.Release.Package}\n- #{package.PackageId} #{package.Version}\n#{/each}',
  });
  const hotfix = b.create('channels', { Name: 'Hotfix', Description: 'Urgent fixes straight to production.', ProjectId: project.Id, LifecycleId: lifecycles.hotfix });
  const preview = b.create('channels', {
    Name: 'Preview',
    Description: 'Pre-release 2.x builds for internal testing.',
    ProjectId: project.Id,
    Rules: [{ Id: b.guid(), VersionRange: '[2.0,3.0)', Tag: '^(beta|rc).*$', ActionPackages: [{ DeploymentAction: 'Deploy web site', PackageReference: '' }] }],
  });
  // The default channel takes only stable 1.x builds.
  const defaultChannel = b.channel(project.Id, 'Default');
  b.update('channels', defaultChannel.Id, {
    ...defaultChannel,
    Description: 'Stable releases.',
    Rules: [{ Id: b.guid(), VersionRange: '[1.0,2.0)', Tag: '^$', ActionPackages: [{ DeploymentAction: 'Deploy web site', PackageReference: '' }] }],
  });

  const deploySite = b.step('Deploy web site', {
    ActionType: 'Octopus.TentaclePackage',
    Packages: [b.primaryPackage('WebShop.Web', feeds.nuget)],
    Properties: {
      'Octopus.Action.Package.PackageId': 'WebShop.Web',
      'Octopus.Action.Package.FeedId': feeds.nuget,
      'Octopus.Action.Package.DownloadOnTentacle': 'False',
      'Octopus.Action.EnabledFeatures': 'Octopus.Features.IISWebSite,Octopus.Features.ConfigurationTransforms,Octopus.Features.SubstituteInFiles',
      'Octopus.Action.IISWebSite.WebSiteName': 'WebShop',
      'Octopus.Action.IISWebSite.ApplicationPoolName': '#{IIS.AppPool}',
      'Octopus.Action.IISWebSite.ApplicationPoolIdentityType': 'SpecificUser',
      'Octopus.Action.IISWebSite.ApplicationPoolUsername': '#{Deploy.Account.Username}',
      'Octopus.Action.SubstituteInFiles.TargetFiles': 'appsettings.json',
    },
  }, { roles: ['web-server'], maxParallelism: 2 });
  const warmUp = b.action('Warm up caches', {
    ActionType: 'Octopus.Script',
    ExcludedEnvironments: [env.dev],
    Properties: inlineScript('PowerShell', lines(
      '$urls = @("/", "/catalog", "/basket")',
      'foreach ($path in $urls) {',
      '    Invoke-WebRequest -UseBasicParsing "http://localhost:#{Website.Port}$path" | Out-Null',
      '    Write-Step "Warmed $path"',
      '}',
    )),
  });
  const smokeTest = b.action('Run smoke tests', {
    ActionType: 'Octopus.Script',
    ExcludedEnvironments: [env.dev],
    Properties: inlineScript('PowerShell', lines(
      '$response = Invoke-WebRequest -UseBasicParsing "https://#{Website.HostName}/health" -TimeoutSec #{SmokeTest.TimeoutSeconds}',
      'if ($response.StatusCode -ne 200) {',
      '    throw "Health check returned $($response.StatusCode)"',
      '}',
      'Write-Highlight "Smoke tests passed on #{Octopus.Machine.Name}"',
    )),
  });
  const steps = [
    b.step('Run database migrations', {
      ActionType: 'Octopus.Script',
      WorkerPoolId: pools.linux,
      Packages: [b.primaryPackage('WebShop.Migrations', feeds.nuget)],
      Properties: inlineScript('Bash', lines(
        '#!/bin/bash',
        'set -euo pipefail',
        'echo "Migrating #{Octopus.Environment.Name} database"',
        'dotnet WebShop.Migrations/WebShop.Migrations.dll \\',
        '  --connection "#{ConnectionStrings:Shop}" \\',
        '  --timeout 300',
      ), true),
    }, { condition: 'Variable', conditionExpression: '#{RunMigrations}' }),
    deploySite,
    b.parentStep('Verify deployment', [warmUp, smokeTest], { roles: ['web-server'] }),
    b.step('Announce hotfix', {
      ActionType: 'Octopus.Script',
      Channels: [hotfix.Id],
      WorkerPoolId: pools.hosted,
      Properties: inlineScript('Bash', lines('echo "Hotfix #{Octopus.Release.Number} is going out to #{Octopus.Environment.Name}"'), true),
    }, { startTrigger: 'StartWithPrevious' }),
    b.step('Approve production deployment', {
      ActionType: 'Octopus.Manual',
      Environments: [env.production],
      Properties: {
        'Octopus.Action.RunOnServer': 'false',
        'Octopus.Action.Manual.Instructions': 'Check the staging smoke tests and the error budget before approving.',
        'Octopus.Action.Manual.ResponsibleTeamIds': ctx.teams.releaseManagers,
        'Octopus.Action.Manual.BlockConcurrentDeployments': 'False',
      },
    }),
    notifySlackStep(ctx, '#shop-releases'),
  ];
  b.setProcess('deploymentprocesses', String(project.DeploymentProcessId), steps);

  const restart = b.create('runbooks', {
    Name: 'Restart web servers',
    Description: 'Recycles the application pool on every web server.',
    ProjectId: project.Id,
    EnvironmentScope: 'Specified',
    Environments: [env.staging, env.production],
    RunRetentionPolicy: { QuantityToKeep: 20, ShouldKeepForever: false, Unit: 'Items' },
  });
  b.setProcess('runbookProcesses', String(restart.RunbookProcessId), [
    b.step('Recycle application pool', {
      ActionType: 'Octopus.Script',
      Properties: inlineScript('PowerShell', lines('Import-Module WebAdministration', 'Restart-WebAppPool -Name "#{IIS.AppPool}"', 'Write-Step "Recycled #{IIS.AppPool}"')),
    }, { roles: ['web-server'], maxParallelism: 1 }),
  ]);
  const purge = b.create('runbooks', { Name: 'Purge CDN cache', Description: 'Invalidates the CloudFront distribution.', ProjectId: project.Id, EnvironmentScope: 'FromProjectLifecycles' });
  b.setProcess('runbookProcesses', String(purge.RunbookProcessId), [
    b.step('Invalidate CloudFront', {
      ActionType: 'Octopus.AwsRunScript',
      WorkerPoolId: pools.hosted,
      Properties: {
        ...inlineScript('Bash', lines('aws cloudfront create-invalidation \\', '  --distribution-id "#{Cdn.DistributionId}" \\', '  --paths "/*"'), true),
        'Octopus.Action.AwsAccount.Variable': 'Aws.Account',
        'Octopus.Action.AwsAccount.UseInstanceRole': 'False',
        'Octopus.Action.Aws.Region': 'eu-central-1',
      },
    }),
  ]);

  b.setVariables(String(project.VariableSetId), [
    b.variable('ConnectionStrings:Shop', 'Server=dev-sql;Database=Shop;Integrated Security=true', { scope: { Environment: [env.dev, env.test] } }),
    b.variable('ConnectionStrings:Shop', 'sample-secret-shop-db-staging', { sensitive: true, scope: { Environment: [env.staging] } }),
    b.variable('ConnectionStrings:Shop', 'sample-secret-shop-db-production', { sensitive: true, scope: { Environment: [env.production] } }),
    b.variable('RunMigrations', 'true'),
    b.variable('RunMigrations', 'false', { scope: { Channel: [hotfix.Id] }, description: 'Hotfixes never change the schema.' }),
    b.variable('Website.Port', '8080'),
    b.variable('Website.HostName', 'dev.shop.example.com', { scope: { Environment: [env.dev] } }),
    b.variable('Website.HostName', 'test.shop.example.com', { scope: { Environment: [env.test] } }),
    b.variable('Website.HostName', 'staging.shop.example.com', { scope: { Environment: [env.staging] } }),
    b.variable('Website.HostName', 'shop.example.com', { scope: { Environment: [env.production] } }),
    b.variable('Website.Certificate', ctx.certificateId, { type: 'Certificate', scope: { Environment: [env.staging, env.production] } }),
    b.variable('IIS.AppPool', 'WebShop', { scope: { Role: ['web-server'] } }),
    b.variable('Feature.NewCheckout', 'true', { scope: { Channel: [preview.Id] } }),
    b.variable('SmokeTest.TimeoutSeconds', '60', { scope: { Action: [smokeTest.Id] } }),
    b.variable('Deploy.Approver', '', {
      scope: { Environment: [env.production] },
      prompt: { label: 'Approver', description: 'Who approved this production deployment?', required: true },
    }),
    b.variable('Cdn.DistributionId', 'E2SAMPLE0CDN42'),
    b.variable('Cdn.PurgeToken', 'sample-secret-cdn-purge-token', { sensitive: true, scope: { ProcessOwner: [purge.Id] } }),
  ]);
  return project;
}

function seedPaymentsApi(ctx: ProjectContext): Doc {
  const { b, env, feeds, lifecycles, libraries, pools } = ctx;
  const project = b.create('projects', {
    Name: 'Payments API',
    Description: 'Card payments service on Kubernetes (Helm).',
    ProjectGroupId: ctx.groups.services,
    LifecycleId: lifecycles.devToProduction,
    IncludedLibraryVariableSetIds: [libraries.common.Id, libraries.retry.Id],
    DefaultGuidedFailureMode: 'On',
    DiscreteChannelRelease: true,
    VersioningStrategy: { Template: '#{Octopus.Version.LastMajor}.#{Octopus.Version.LastMinor}.#{Octopus.Version.NextPatch}', DonorPackage: null, DonorPackageStepId: null },
  });
  const hotfix = b.create('channels', { Name: 'Hotfix', Description: 'Patch releases.', ProjectId: project.Id, LifecycleId: lifecycles.hotfix });
  const upgrade = b.step('Upgrade Helm release', {
    ActionType: 'Octopus.HelmChartUpgrade',
    Packages: [b.primaryPackage('payments-api', feeds.helm)],
    Properties: {
      'Octopus.Action.Package.PackageId': 'payments-api',
      'Octopus.Action.Package.FeedId': feeds.helm,
      'Octopus.Action.Helm.ReleaseName': 'payments-#{Octopus.Environment.Name | ToLower}',
      'Octopus.Action.Helm.Namespace': '#{Kubernetes.Namespace}',
      'Octopus.Action.Helm.ResetValues': 'True',
      'Octopus.Action.Helm.YamlValues': lines('replicaCount: #{Payments.Replicas}', 'image:', '  tag: #{Octopus.Release.Number}', 'provider:', '  url: #{Payments.Provider.Url}'),
    },
  }, { roles: ['k8s-cluster'] });
  const steps = [
    b.step('Check provider status', {
      ActionType: 'Octopus.Script',
      WorkerPoolId: pools.hosted,
      Container: { FeedId: feeds.docker, Image: 'octopusdeploy/worker-tools:6.1.0-ubuntu.22.04' },
      Properties: inlineScript('Bash', lines(
        '#!/bin/bash',
        'set -euo pipefail',
        'retry 5 curl --fail --silent "#{Payments.Provider.Url}/status"',
        'echo "Provider is up"',
      ), true),
    }),
    upgrade,
    b.step('Roll back on failure', {
      ActionType: 'Octopus.Script',
      WorkerPoolId: pools.linux,
      Properties: inlineScript('Bash', lines('helm rollback "payments-#{Octopus.Environment.Name | ToLower}" 0 --namespace "#{Kubernetes.Namespace}"'), true),
    }, { condition: 'Failure' }),
    notifySlackStep(ctx, '#payments'),
  ];
  b.setProcess('deploymentprocesses', String(project.DeploymentProcessId), steps);

  const rotate = b.create('runbooks', {
    Name: 'Rotate provider API key',
    Description: 'Generates a new provider key and stores it in the cluster secret.',
    ProjectId: project.Id,
    EnvironmentScope: 'Specified',
    Environments: [env.production],
    DefaultGuidedFailureMode: 'On',
  });
  b.setProcess('runbookProcesses', String(rotate.RunbookProcessId), [
    b.step('Rotate key', {
      ActionType: 'Octopus.Script',
      WorkerPoolId: pools.linux,
      Properties: inlineScript('Bash', lines(
        'new_key=$(curl --fail -X POST -H "Authorization: Bearer #{Payments.ApiKey}" "#{Payments.Provider.Url}/keys")',
        'kubectl -n "#{Kubernetes.Namespace}" create secret generic provider-key \\',
        '  --from-literal=key="$new_key" --dry-run=client -o yaml | kubectl apply -f -',
      ), true),
    }),
    b.step('Restart pods', {
      ActionType: 'Octopus.Script',
      WorkerPoolId: pools.linux,
      Properties: inlineScript('Bash', lines('kubectl -n "#{Kubernetes.Namespace}" rollout restart deployment/payments-api'), true),
    }),
  ]);

  b.setVariables(String(project.VariableSetId), [
    b.variable('Kubernetes.Namespace', 'payments-#{Octopus.Environment.Name | ToLower}'),
    b.variable('Payments.Replicas', '1'),
    b.variable('Payments.Replicas', '4', { scope: { Environment: [env.production] } }),
    b.variable('Payments.Provider.Url', 'https://sandbox.payments.example.net', { scope: { Environment: [env.dev, env.test, env.staging] } }),
    b.variable('Payments.Provider.Url', 'https://api.payments.example.net', { scope: { Environment: [env.production] } }),
    b.variable('Payments.ApiKey', 'sample-secret-payments-sandbox-key', { sensitive: true, scope: { Environment: [env.dev, env.test, env.staging] } }),
    b.variable('Payments.ApiKey', 'sample-secret-payments-live-key', { sensitive: true, scope: { Environment: [env.production] } }),
    b.variable('Payments.ApiKey', 'sample-secret-payments-hotfix-key', { sensitive: true, scope: { Environment: [env.production], Channel: [hotfix.Id] } }),
    b.variable('Payments.Aws', ctx.accounts.aws, { type: 'AmazonWebServicesAccount', scope: { Environment: [env.production] } }),
    b.variable('Payments.MaintenanceWindow', '', { prompt: { label: 'Maintenance window', description: 'Optional: announce a window, e.g. "22:00-23:00 UTC".', required: false } }),
    b.variable('Helm.Timeout', '10m', { scope: { Action: [upgrade.Actions[0]?.Id ?? ''] } }),
  ]);
  return project;
}

function seedInventoryService(ctx: ProjectContext): Doc {
  const { b, env, lifecycles, pools } = ctx;
  const project = b.create('projects', {
    Name: 'Inventory Service',
    Description: 'Stock levels for the shop (systemd service on Linux).',
    ProjectGroupId: ctx.groups.services,
    LifecycleId: lifecycles.devToProduction,
    IncludedLibraryVariableSetIds: [ctx.libraries.common.Id],
    DefaultToSkipIfAlreadyInstalled: true,
  });
  b.create('channels', { Name: 'Hotfix', ProjectId: project.Id, LifecycleId: lifecycles.hotfix });
  b.setProcess('deploymentprocesses', String(project.DeploymentProcessId), [
    b.step('Deploy Inventory Service', {
      ActionType: 'Octopus.TentaclePackage',
      Packages: [b.primaryPackage('Inventory.Service', 'feeds-builtin', 'ExecutionTarget')],
      Properties: {
        'Octopus.Action.Package.PackageId': 'Inventory.Service',
        'Octopus.Action.Package.FeedId': 'feeds-builtin',
        'Octopus.Action.Package.DownloadOnTentacle': 'True',
        'Octopus.Action.EnabledFeatures': 'Octopus.Features.CustomScripts,Octopus.Features.JsonConfigurationVariables',
        'Octopus.Action.Package.JsonConfigurationVariablesTargets': 'appsettings.json',
        'Octopus.Action.CustomScripts.PostDeploy.sh': lines('sudo systemctl daemon-reload', 'sudo systemctl restart inventory'),
      },
    }, { roles: ['inventory-service'] }),
    b.step('Run integration tests', {
      ActionType: 'Octopus.Script',
      Environments: [env.test],
      WorkerPoolId: pools.linux,
      Properties: inlineScript('Bash', lines('./run-integration-tests.sh --target "#{Inventory.BaseUrl}"'), true),
    }),
    b.step('Check service health', {
      ActionType: 'Octopus.Script',
      Properties: inlineScript('Bash', lines('systemctl is-active --quiet inventory', 'curl --fail --silent http://localhost:5000/health')),
    }, { roles: ['inventory-service'] }),
  ]);
  const reindex = b.create('runbooks', { Name: 'Rebuild search index', ProjectId: project.Id, Description: 'Rebuilds the product search index.' });
  b.setProcess('runbookProcesses', String(reindex.RunbookProcessId), [
    b.step('Rebuild index', { ActionType: 'Octopus.Script', Properties: inlineScript('Bash', lines('inventory-cli reindex --all')) }, { roles: ['inventory-service'], maxParallelism: 1 }),
  ]);
  b.setVariables(String(project.VariableSetId), [
    b.variable('Inventory.BaseUrl', 'http://inventory.#{Octopus.Environment.Name | ToLower}.internal:5000'),
    b.variable('Inventory.DbPassword', 'sample-secret-inventory-db-password', { sensitive: true }),
    b.variable('Inventory.CacheSeconds', '5', { scope: { Environment: [env.dev, env.test] } }),
    b.variable('Inventory.CacheSeconds', '300', { scope: { Environment: [env.staging, env.production] } }),
  ]);
  return project;
}

function seedCustomerPortal(ctx: ProjectContext): Doc {
  const { b, env, feeds, lifecycles } = ctx;
  const project = b.create('projects', {
    Name: 'Customer Portal',
    Description: 'One portal per customer (tenant).',
    ProjectGroupId: ctx.groups.web,
    LifecycleId: lifecycles.devToProduction,
    TenantedDeploymentMode: 'TenantedOrUntenanted',
    IncludedLibraryVariableSetIds: [ctx.libraries.common.Id, ctx.libraries.notifications.Id],
    Templates: [
      b.template('Portal.Subdomain', 'Subdomain', { helpText: 'The customer\'s portal is https://<subdomain>.portal.example.com.' }),
      b.template('Portal.LicenseKey', 'License key', { control: 'Sensitive', helpText: 'The customer\'s license key.' }),
      b.template('Portal.MaxUsers', 'Maximum users', { defaultValue: '50' }),
    ],
  });
  b.create('channels', { Name: 'Early Access', Description: 'New features for Gold customers first.', ProjectId: project.Id, TenantTags: ['Tier/Gold'] });
  b.setProcess('deploymentprocesses', String(project.DeploymentProcessId), [
    b.step('Deploy portal', {
      ActionType: 'Octopus.TentaclePackage',
      Packages: [b.primaryPackage('CustomerPortal.Web', feeds.nuget)],
      Properties: {
        'Octopus.Action.Package.PackageId': 'CustomerPortal.Web',
        'Octopus.Action.Package.FeedId': feeds.nuget,
        'Octopus.Action.EnabledFeatures': 'Octopus.Features.SubstituteInFiles',
        'Octopus.Action.SubstituteInFiles.TargetFiles': 'config/*.json',
      },
    }, { roles: ['portal-web'] }),
    b.step('Configure tenant', {
      ActionType: 'Octopus.Script',
      Properties: inlineScript('PowerShell', lines(
        '$tenant = $OctopusParameters["Octopus.Deployment.Tenant.Name"]',
        'Write-Host "Configuring https://#{Portal.Subdomain}.portal.example.com for $tenant"',
        '& portal-admin set-license --key "#{Portal.LicenseKey}" --max-users #{Portal.MaxUsers}',
      )),
    }, { roles: ['portal-web'] }),
    b.step('Enable premium features', {
      ActionType: 'Octopus.Script',
      TenantTags: ['Tier/Gold'],
      Properties: inlineScript('PowerShell', lines('& portal-admin enable-feature --name premium-reports', '& portal-admin enable-feature --name sso')),
    }, { roles: ['portal-web'] }),
  ]);
  const provision = b.create('runbooks', {
    Name: 'Provision tenant',
    Description: 'Creates the database and DNS record of a new customer.',
    ProjectId: project.Id,
    MultiTenancyMode: 'Tenanted',
    EnvironmentScope: 'Specified',
    Environments: [env.test, env.production],
  });
  b.setProcess('runbookProcesses', String(provision.RunbookProcessId), [
    b.step('Create database', {
      ActionType: 'Octopus.Script',
      WorkerPoolId: ctx.pools.linux,
      Properties: inlineScript('Bash', lines('psql "#{Portal.AdminConnection}" -c "CREATE DATABASE portal_#{Portal.Subdomain};"'), true),
    }),
    b.step('Create DNS record', {
      ActionType: 'Octopus.Script',
      WorkerPoolId: ctx.pools.hosted,
      Properties: inlineScript('Bash', lines('dns-cli upsert "#{Portal.Subdomain}.portal.example.com" CNAME portal-lb.example.com'), true),
    }),
  ]);
  b.setVariables(String(project.VariableSetId), [
    b.variable('Portal.Theme', 'standard'),
    b.variable('Portal.Theme', 'gold', { scope: { TenantTag: ['Tier/Gold'] } }),
    b.variable('Portal.Region', 'eu-central-1', { scope: { TenantTag: ['Region/EU'] } }),
    b.variable('Portal.Region', 'us-east-1', { scope: { TenantTag: ['Region/US'] } }),
    b.variable('Portal.AdminConnection', 'sample-secret-portal-admin-connection', { sensitive: true, scope: { ProcessOwner: [provision.Id] } }),
  ]);
  return project;
}

/** A disabled project in the default group with a one-step process: old things exist too. */
function seedLegacyReports(ctx: ProjectContext): void {
  const { b } = ctx;
  const project = b.create('projects', {
    Name: 'Legacy Reports',
    Description: 'Retired: replaced by the data warehouse. Kept for audits.',
    ProjectGroupId: b.id('projectgroups', 'Default Project Group'),
    LifecycleId: ctx.lifecycles.internal,
    IsDisabled: true,
  });
  b.setProcess('deploymentprocesses', String(project.DeploymentProcessId), [
    b.step('Copy reports', { ActionType: 'Octopus.Script', Properties: inlineScript('PowerShell', lines('Copy-Item -Recurse .\\reports \\\\fileserver\\reports')) }, { roles: ['report-server'] }),
  ]);
  b.setVariables(String(project.VariableSetId), [b.variable('Reports.Share', '\\\\fileserver\\reports')]);
}

/** Where the sample's version-controlled project keeps its configuration (on the simulators' shared Git host). */
export const PET_CLINIC_REPOSITORY = 'https://github.com/octopetshop/pet-clinic-deploy.git';

/**
 * A version-controlled (Config-as-Code) project: converted with the space's Git credential, so
 * its process and plain variables live in its repository and its sensitive variable in the
 * database. Its steps and variables name nothing by id, so a simulator of another offset reading
 * the same repository reads the same thing (the repository holds JSON with ids, not OCL). Its
 * runbooks are in Git too.
 */
function seedPetClinic(ctx: ProjectContext): void {
  const { b } = ctx;
  const credential = b.create('git-credentials', {
    Name: 'GitHub deploy bot',
    Description: 'Reads and commits the configuration of the projects kept in Git.',
    Details: { Type: 'UsernamePassword', Username: 'octopetshop-deploy', Password: { HasValue: true, NewValue: 'sample-secret-github-token' } },
    RepositoryRestrictions: { Enabled: true, AllowedRepositories: [PET_CLINIC_REPOSITORY] },
  });
  const project = b.create('projects', {
    Name: 'Pet Clinic',
    Description: 'Appointments for the clinic. Configuration as code: its process and variables live in its Git repository.',
    ProjectGroupId: ctx.groups.services,
    LifecycleId: ctx.lifecycles.devToProduction,
  });
  b.setProcess('deploymentprocesses', String(project.DeploymentProcessId), [
    b.step('Migrate database', { ActionType: 'Octopus.Script', Properties: inlineScript('Bash', lines('set -e', './migrate.sh --database "#{Clinic.Database}"'), true) }),
    b.step('Deploy clinic', { ActionType: 'Octopus.Script', Properties: inlineScript('Bash', lines('set -e', './deploy.sh --url "#{Clinic.Url}"'), true) }),
  ]);
  b.setVariables(String(project.VariableSetId), [
    b.variable('Clinic.Url', 'https://clinic.octopetshop.example'),
    b.variable('Clinic.Database', 'clinic'),
    b.variable('Clinic.ApiKey', 'sample-secret-clinic-api-key', { sensitive: true }),
    b.variable('Clinic.SmtpPassword', 'sample-secret-clinic-smtp', { sensitive: true, description: 'Production mail relay.', scope: { Environment: [ctx.env.production] } }),
  ]);
  convertProject(b.instance, b.spaceId, project, {
    ChangeDescription: 'Keep the configuration in Git',
    VersionControlSettings: {
      Type: 'VersionControlled',
      Url: PET_CLINIC_REPOSITORY,
      BasePath: '.octopus/pet-clinic',
      DefaultBranch: 'main',
      ProtectedBranchNamePatterns: ['release/*'],
      Credentials: { Type: 'Reference', Id: credential.Id },
    },
  });
  // A runbook, then moved to Git with the project's other runbooks (one-way): it is read and
  // written only through git-ref routes from then on. Its environments are kept by slug.
  const restart = b.create('runbooks', {
    Name: 'Restart clinic',
    Description: 'Restarts the clinic service after a configuration change.',
    ProjectId: project.Id,
    EnvironmentScope: 'Specified',
    Environments: [ctx.env.staging, ctx.env.production],
  });
  b.setProcess('runbookProcesses', String(restart.RunbookProcessId), [
    b.step('Restart service', { ActionType: 'Octopus.Script', Properties: inlineScript('Bash', lines('set -e', 'systemctl restart pet-clinic'), true) }),
  ]);
  migrateRunbooks(b.instance, b.instance.get('projects', b.spaceId, project.Id), { Branch: 'main', CommitMessage: 'Keep the runbooks in Git' });
}

type Tenants = Record<'acme' | 'globex' | 'initech' | 'umbrella', string>;

function seedTenants(b: SeedBuilder, env: Environments, portal: Doc, common: Doc): Tenants {
  const tenant = (Name: string, Description: string, TenantTags: string[], environments: string[]) =>
    b.create('tenants', { Name, Description, TenantTags, ProjectEnvironments: { [portal.Id]: environments } }).Id;
  const tenants: Tenants = {
    acme: tenant('Acme Corp', 'Our first customer.', ['Tier/Gold', 'Region/EU'], [env.test, env.staging, env.production]),
    globex: tenant('Globex', 'Large US retailer.', ['Tier/Silver', 'Region/US'], [env.staging, env.production]),
    initech: tenant('Initech', 'Small team, standard support.', ['Tier/Bronze', 'Region/US'], [env.production]),
    umbrella: tenant('Umbrella Health', 'Healthcare customer in the EU.', ['Tier/Gold', 'Region/EU'], [env.production]),
  };
  const portalTemplates = templateIds(portal);
  const commonTemplates = templateIds(common);
  const values: Record<keyof Tenants, { subdomain: string; email: string }> = {
    acme: { subdomain: 'acme', email: 'it@acme.example' },
    globex: { subdomain: 'globex', email: 'ops@globex.example' },
    initech: { subdomain: 'initech', email: 'admin@initech.example' },
    umbrella: { subdomain: 'umbrella', email: 'platform@umbrella.example' },
  };
  for (const key of Object.keys(tenants) as (keyof Tenants)[]) {
    const tenantId = tenants[key];
    const environments = (b.instance.get('tenants', b.spaceId, tenantId).ProjectEnvironments as Record<string, string[]>)[portal.Id] ?? [];
    const perEnvironment: Record<string, Record<string, unknown>> = {};
    for (const environmentId of environments) {
      perEnvironment[environmentId] = {
        [portalTemplates['Portal.Subdomain'] ?? '']: environmentId === env.production ? values[key].subdomain : `${values[key].subdomain}-${environmentId === env.test ? 'test' : 'staging'}`,
        [portalTemplates['Portal.LicenseKey'] ?? '']: secret(`portal-license-${key}`),
        ...(key === 'globex' ? { [portalTemplates['Portal.MaxUsers'] ?? '']: '500' } : {}),
      };
    }
    setTenantVariables(b, tenantId, {
      ProjectVariables: { [portal.Id]: { ProjectId: portal.Id, ProjectName: portal.Name, Templates: portal.Templates, Variables: perEnvironment } },
      LibraryVariables: {
        [common.Id]: {
          LibraryVariableSetId: common.Id,
          LibraryVariableSetName: common.Name,
          Templates: common.Templates,
          Variables: {
            [commonTemplates['Customer.ContactEmail'] ?? '']: values[key].email,
            ...(key === 'acme' ? { [commonTemplates['Customer.SupportPin'] ?? '']: secret('support-pin-acme') } : {}),
          },
        },
      },
    });
  }
  return tenants;
}

function templateIds(owner: Doc): Record<string, string> {
  return Object.fromEntries(((owner.Templates as { Id: string; Name: string }[] | undefined) ?? []).map((t) => [t.Name, t.Id]));
}

/** Writes a tenant's variable values as `PUT /tenants/{id}/variables` does. */
function setTenantVariables(b: SeedBuilder, tenantId: string, body: { ProjectVariables: Record<string, unknown>; LibraryVariables: Record<string, unknown> }): void {
  replaceTenantVariables(b.instance, b.spaceId, tenantId, body);
}

function seedScopedUserRoles(
  b: SeedBuilder,
  env: Environments,
  teams: ProjectContext['teams'],
  groups: ProjectContext['groups'],
  portal: Doc,
  tenants: Tenants,
): void {
  const role = (TeamId: string, UserRoleId: string, scope: Record<string, string[]> = {}) => b.create('scopeduserroles', { TeamId, UserRoleId, ...scope });
  role(teams.developers, 'userroles-projectdeployer', { EnvironmentIds: [env.dev, env.test] });
  role(teams.developers, 'userroles-projectcontributor', { ProjectGroupIds: [groups.web, groups.services] });
  role(teams.developers, 'userroles-runbookconsumer', { EnvironmentIds: [env.dev, env.test] });
  role(teams.releaseManagers, 'userroles-projectdeployer');
  role(teams.releaseManagers, 'userroles-releasecreator');
  role(teams.releaseManagers, 'userroles-environmentviewer', { EnvironmentIds: [env.staging, env.production] });
  role(teams.customerSuccess, 'userroles-tenantmanager', { TenantIds: [tenants.acme, tenants.globex, tenants.initech, tenants.umbrella] });
  role(teams.customerSuccess, 'userroles-projectviewer', { ProjectIds: [portal.Id] });
}

function seedReleases(b: SeedBuilder, projects: Doc[]): void {
  const [webShop, payments, inventory, portal] = projects as [Doc, Doc, Doc, Doc];
  const release = (project: Doc, channelName: string, Version: string, Assembled: string, ReleaseNotes: string | null = null) =>
    b.create('releases', { Version, ProjectId: project.Id, ChannelId: b.channel(project.Id, channelName).Id, Assembled, ReleaseNotes });
  release(webShop, 'Default', '1.0.0', '2026-01-12T09:30:00.000Z', 'First release of the new shop.');
  release(webShop, 'Default', '1.0.1', '2026-01-19T14:05:00.000Z', 'Fixes the basket total rounding.');
  release(webShop, 'Hotfix', '1.0.2', '2026-01-20T08:15:00.000Z', 'Hotfix: payment page timeout.');
  release(webShop, 'Preview', '2.0.0-beta.1', '2026-02-02T11:00:00.000Z');
  release(payments, 'Default', '3.4.0', '2026-01-15T16:45:00.000Z');
  release(inventory, 'Default', '0.9.12', '2026-01-08T10:00:00.000Z');
  release(portal, 'Default', '1.0.0', '2026-01-22T12:00:00.000Z');
}

function seedMachines(b: SeedBuilder, env: Environments, pools: ProjectContext['pools'], policyId: string, tenants: Tenants): void {
  const listening = (host: string) => ({ CommunicationStyle: 'TentaclePassive', Uri: `https://${host}:10933/`, Thumbprint: thumbprintFor(host), ProxyId: null });
  const target = (Name: string, EnvironmentIds: string[], Roles: string[], extra: Record<string, unknown> = {}) =>
    b.create('machines', { Name, EnvironmentIds, Roles, MachinePolicyId: policyId, Endpoint: listening(Name), ...extra });
  target('web01', [env.staging, env.production], ['web-server']);
  target('web02', [env.production], ['web-server']);
  target('dev-web01', [env.dev, env.test], ['web-server', 'inventory-service']);
  target('inventory01', [env.staging, env.production], ['inventory-service'], { MachinePolicyId: b.id('machinepolicies', 'Default Machine Policy') });
  target('k8s-prod', [env.production], ['k8s-cluster'], {
    Endpoint: { CommunicationStyle: 'TentacleActive', Uri: 'poll://k8sprodsampleoctosync/', Thumbprint: thumbprintFor('k8s-prod'), ProxyId: null },
  });
  target('acme-portal01', [env.test, env.staging, env.production], ['portal-web'], { TenantedDeploymentParticipation: 'Tenanted', TenantIds: [tenants.acme] });
  target('shared-portal01', [env.production], ['portal-web'], { TenantedDeploymentParticipation: 'TenantedOrUntenanted', TenantTags: ['Tier/Silver', 'Tier/Bronze'] });
  for (const name of ['linux-worker-01', 'linux-worker-02']) {
    b.create('workers', { Name: name, WorkerPoolIds: [pools.linux], MachinePolicyId: policyId, Endpoint: listening(name) });
  }
}
