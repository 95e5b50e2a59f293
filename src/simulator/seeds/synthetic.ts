// The `synthetic:N` seed, for benchmarks: a fixed base (environments, lifecycles, worker pools,
// feeds, tag sets, library variable sets, a script module, tenants) plus N projects of realistic
// shape spread over a handful of project groups. Each project has 2 channels, 10-20 variables
// (some scoped, one sensitive), a 3-5 step process with inline scripts and packages, and one
// runbook with a process; every tenth project is tenanted, with tenants connected and tenant
// variable values set.
//
// Deterministic: no randomness, shapes vary by index arithmetic and GUIDs come from a counter, so
// two runs produce the same documents (apart from LastModifiedOn). Secrets start with
// `synthetic-secret-`.
import type { Instance } from '../instance.js';
import { replaceTenantVariables } from '../resources/tenant-variables.js';
import { hostedUbuntuPool } from './sample.js';
import type { Doc } from '../store.js';
import type { Step, Variable } from './builder.js';
import { inlineScript, keep, lines, SeedBuilder } from './builder.js';

const GROUPS = ['Payments', 'Retail', 'Logistics', 'Platform', 'Data', 'Identity'] as const;
const COMPONENTS = ['API', 'Worker', 'Web', 'Gateway', 'Scheduler', 'Importer', 'Reporting', 'Notifier'] as const;
const TENANTS = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark', 'Wayne', 'Wonka', 'Tyrell', 'Cyberdyne'] as const;
const TIERS = ['Gold', 'Silver', 'Bronze'] as const;
const REGIONS = ['EU', 'US', 'APAC'] as const;
/** Every this-many-th project is tenanted. */
const TENANTED_EVERY = 10;
/** Tenants connected to each tenanted project. */
const TENANTS_PER_PROJECT = 3;

const secret = (name: string) => ({ HasValue: true, NewValue: `synthetic-secret-${name}` });

interface Base {
  env: { dev: string; test: string; staging: string; production: string; all: string[] };
  lifecycles: { standard: string; fastTrack: string };
  pools: { build: string; hosted: string };
  feeds: { nuget: string; docker: string };
  libraries: Doc[];
  groups: string[];
}

export function seedSynthetic(instance: Instance, projects: number): void {
  const b = new SeedBuilder(instance, 'synthetic');
  const base = seedBase(b);
  const tenanted: Doc[] = [];
  for (let index = 1; index <= projects; index += 1) {
    const project = seedProject(b, base, index);
    if (project.TenantedDeploymentMode !== 'Untenanted') tenanted.push(project);
  }
  seedTenants(b, base, tenanted);
}

function seedBase(b: SeedBuilder): Base {
  const environment = (Name: string, Description: string, extra: Record<string, unknown> = {}) => b.create('environments', { Name, Description, ...extra }).Id;
  const dev = environment('Development', 'Every build deploys here.');
  const test = environment('Test', 'Integration and QA.');
  const staging = environment('Staging', 'Release candidates.');
  const production = environment('Production', 'Live.', { UseGuidedFailure: true });
  const env = { dev, test, staging, production, all: [dev, test, staging, production] };

  b.create('tagsets', { Name: 'Tier', Description: 'Customer tier.', Tags: TIERS.map((Name) => ({ Name })) });
  b.create('tagsets', { Name: 'Region', Description: 'Hosting region.', Tags: REGIONS.map((Name) => ({ Name })) });

  const pools = {
    build: b.create('workerpools', { Name: 'Build Workers', WorkerPoolType: 'StaticWorkerPool' }).Id,
    hosted: hostedUbuntuPool(b, 'Dynamic workers.', 'Static workers standing in for dynamic ones.'),
  };
  const feeds = {
    nuget: b.create('feeds', { Name: 'Synthetic NuGet', FeedType: 'NuGet', FeedUri: 'https://nuget.synthetic.example/v3/index.json', Username: 'reader', Password: secret('nuget-feed') }).Id,
    docker: b.create('feeds', { Name: 'Synthetic Registry', FeedType: 'Docker', FeedUri: 'https://registry.synthetic.example', ApiVersion: 'v2', Username: 'puller', Password: secret('registry') }).Id,
  };
  const phase = (Name: string, fields: Record<string, unknown>) => ({ Id: b.guid(), Name, ...fields });
  const lifecycles = {
    standard: b.create('lifecycles', {
      Name: 'Standard',
      Description: 'Development → Test → Staging → Production.',
      ReleaseRetentionPolicy: keep(30, 'Days'),
      TentacleRetentionPolicy: keep(3, 'Items'),
      Phases: [
        phase('Development', { AutomaticDeploymentTargets: [dev] }),
        phase('Test', { OptionalDeploymentTargets: [test] }),
        phase('Staging', { OptionalDeploymentTargets: [staging] }),
        phase('Production', { OptionalDeploymentTargets: [production] }),
      ],
    }).Id,
    fastTrack: b.create('lifecycles', {
      Name: 'Fast Track',
      Description: 'Hotfixes: optional staging, then production.',
      ReleaseRetentionPolicy: keep(5, 'Items'),
      TentacleRetentionPolicy: keep(2, 'Items'),
      Phases: [phase('Staging', { OptionalDeploymentTargets: [staging], IsOptionalPhase: true }), phase('Production', { OptionalDeploymentTargets: [production] })],
    }).Id,
  };

  const shared = b.create('libraryvariablesets', {
    Name: 'Shared Settings',
    Description: 'Used by every project.',
    Templates: [b.template('Customer.Name', 'Customer name'), b.template('Customer.ApiKey', 'Customer API key', { control: 'Sensitive' })],
  });
  b.setVariables(String(shared.VariableSetId), [
    b.variable('Company.Name', 'Synthetic Inc.'),
    b.variable('Smtp.Host', 'smtp.synthetic.example'),
    b.variable('Smtp.Password', 'synthetic-secret-smtp', { sensitive: true }),
    b.variable('LogLevel', 'Debug', { scope: { Environment: [dev, test] } }),
    b.variable('LogLevel', 'Warning', { scope: { Environment: [staging, production] } }),
  ]);
  const observability = b.create('libraryvariablesets', { Name: 'Observability', Description: 'Metrics and tracing.' });
  b.setVariables(String(observability.VariableSetId), [
    b.variable('Otel.Endpoint', 'http://otel-collector.#{Octopus.Environment.Name | ToLower}:4317'),
    b.variable('Metrics.ApiKey', 'synthetic-secret-metrics', { sensitive: true, scope: { Environment: [production] } }),
  ]);
  const database = b.create('libraryvariablesets', { Name: 'Database Defaults', Description: 'Connection defaults.' });
  b.setVariables(String(database.VariableSetId), [
    b.variable('Database.Port', '5432'),
    b.variable('Database.Server', 'db.#{Octopus.Environment.Name | ToLower}.synthetic.internal'),
    b.variable('Database.PoolSize', '10', { scope: { Environment: [production] } }),
  ]);
  const helpers = b.create('libraryvariablesets', { Name: 'Deploy Helpers', Description: 'Bash helpers.', ContentType: 'ScriptModule' });
  b.setVariables(String(helpers.VariableSetId), [
    b.variable('Octopus.Script.Module[Deploy Helpers]', lines('log() {', '  echo "[$(date -u +%FT%TZ)] $*"', '}')),
    b.variable('Octopus.Script.Module.Language[Deploy Helpers]', 'Bash'),
  ]);

  const groups = GROUPS.map((Name) => b.create('projectgroups', { Name, Description: `${Name} projects.` }).Id);
  return { env, lifecycles, pools, feeds, libraries: [shared, observability, database, helpers], groups };
}

function seedProject(b: SeedBuilder, base: Base, index: number): Doc {
  const { env, feeds, pools } = base;
  const number = String(index).padStart(4, '0');
  const groupIndex = index % GROUPS.length;
  const component = pick(COMPONENTS, index);
  const role = `${component.toLowerCase()}-server`;
  const name = `${pick(GROUPS, groupIndex)} ${component} ${number}`;
  const packageId = `Synthetic.${pick(GROUPS, groupIndex)}.${component}${number}`;
  const tenanted = index % TENANTED_EVERY === 0;
  // Libraries: always the shared settings, then a varying subset of the others.
  const libraries = base.libraries.filter((_library, position) => position === 0 || (index + position) % 3 !== 0).map((library) => library.Id);

  const project = b.create('projects', {
    Name: name,
    Description: `Synthetic project ${index}.`,
    ProjectGroupId: base.groups[groupIndex],
    LifecycleId: base.lifecycles.standard,
    IncludedLibraryVariableSetIds: libraries,
    TenantedDeploymentMode: tenanted ? 'TenantedOrUntenanted' : 'Untenanted',
    Templates: tenanted ? [b.template('Tenant.Hostname', 'Hostname'), b.template('Tenant.Secret', 'Tenant secret', { control: 'Sensitive' })] : [],
  });
  const second =
    index % 3 === 0
      ? b.create('channels', {
          Name: 'Preview',
          ProjectId: project.Id,
          Rules: [{ Id: b.guid(), VersionRange: '[2.0,3.0)', Tag: '^beta', ActionPackages: [{ DeploymentAction: 'Deploy package', PackageReference: '' }] }],
        })
      : b.create('channels', { Name: 'Hotfix', ProjectId: project.Id, LifecycleId: base.lifecycles.fastTrack });

  const stepCount = 3 + (index % 3);
  const steps: Step[] = [
    b.step('Deploy package', {
      ActionType: 'Octopus.TentaclePackage',
      Packages: [b.primaryPackage(packageId, feeds.nuget)],
      Properties: {
        'Octopus.Action.Package.PackageId': packageId,
        'Octopus.Action.Package.FeedId': feeds.nuget,
        'Octopus.Action.EnabledFeatures': 'Octopus.Features.JsonConfigurationVariables',
        'Octopus.Action.Package.JsonConfigurationVariablesTargets': 'appsettings.json',
      },
    }, { roles: [role] }),
    b.step('Run migrations', {
      ActionType: 'Octopus.Script',
      WorkerPoolId: pools.build,
      Properties: inlineScript('Bash', lines('set -euo pipefail', 'log "Migrating #{App.Name}"', './migrate --server "#{Database.Server}" --database "#{Database.Name}"'), true),
    }),
    b.step('Smoke test', {
      ActionType: 'Octopus.Script',
      ExcludedEnvironments: [env.dev],
      Properties: inlineScript('PowerShell', lines('$r = Invoke-WebRequest -UseBasicParsing "http://localhost:#{App.Port}/health"', 'if ($r.StatusCode -ne 200) { throw "unhealthy" }')),
    }, { roles: [role] }),
  ];
  if (stepCount >= 4) {
    steps.push(b.step('Approve production', {
      ActionType: 'Octopus.Manual',
      Environments: [env.production],
      Properties: { 'Octopus.Action.RunOnServer': 'false', 'Octopus.Action.Manual.Instructions': 'Check the dashboards, then approve.' },
    }));
  }
  if (stepCount >= 5) {
    steps.push(b.step('Notify', {
      ActionType: 'Octopus.Script',
      WorkerPoolId: pools.hosted,
      Container: { FeedId: feeds.docker, Image: 'synthetic/worker-tools:1.0' },
      Properties: inlineScript('Bash', lines('curl -X POST -d "#{Octopus.Project.Name} #{Octopus.Release.Number}" "#{Notify.Url}"'), true),
    }, { condition: 'Always' }));
  }
  b.setProcess('deploymentprocesses', String(project.DeploymentProcessId), steps);

  const runbook = b.create('runbooks', { Name: 'Restart service', Description: 'Restarts the service on every target.', ProjectId: project.Id, EnvironmentScope: 'FromProjectLifecycles' });
  b.setProcess('runbookProcesses', String(runbook.RunbookProcessId), [
    b.step('Restart', {
      ActionType: 'Octopus.Script',
      Properties: inlineScript('Bash', lines(`sudo systemctl restart ${packageId.toLowerCase()}`)),
    }, { roles: [role], maxParallelism: 1 }),
  ]);

  b.setVariables(String(project.VariableSetId), projectVariables(b, base, index, { role, channelId: second.Id, smokeTestId: steps[2]?.Actions[0]?.Id ?? '', runbookId: runbook.Id }));
  return project;
}

/** 10-20 variables: plain, environment-scoped, channel-, role-, action- and runbook-scoped, one sensitive. */
function projectVariables(b: SeedBuilder, base: Base, index: number, refs: { role: string; channelId: string; smokeTestId: string; runbookId: string }): Variable[] {
  const { env } = base;
  const variables = [
    b.variable('App.Name', `synthetic-app-${index}`),
    b.variable('App.Port', String(8000 + (index % 1000))),
    b.variable('Database.Name', `app${index}`),
    b.variable('Database.Password', `synthetic-secret-db-${index}`, { sensitive: true }),
    b.variable('Replicas', '1', { scope: { Environment: [env.dev, env.test] } }),
    b.variable('Replicas', '2', { scope: { Environment: [env.staging] } }),
    b.variable('Replicas', String(2 + (index % 5)), { scope: { Environment: [env.production] } }),
    b.variable('Release.Channel', 'secondary', { scope: { Channel: [refs.channelId] } }),
    b.variable('SmokeTest.Retries', String(1 + (index % 4)), { scope: { Action: [refs.smokeTestId] } }),
    b.variable('Restart.GracePeriod', '30s', { scope: { ProcessOwner: [refs.runbookId] } }),
  ];
  const extra = (index * 7) % 10; // 0-9 more (plus a prompted one on every seventh project)
  for (let n = 0; n < extra; n += 1) {
    if (n % 4 === 3) variables.push(b.variable(`Feature.Flag${n}`, n % 8 === 3 ? 'true' : 'false', { scope: { Environment: [env.all[n % 4] ?? env.dev] } }));
    else if (n % 4 === 2) variables.push(b.variable(`Service.Timeout${n}`, `${(n + 1) * 5}s`, { scope: { Role: [refs.role] } }));
    else variables.push(b.variable(`Setting${n}`, `value-${index}-${n}`));
  }
  if (index % 7 === 0) {
    variables.push(b.variable('Deploy.Reason', '', { prompt: { label: 'Reason', description: 'Why are you deploying?', required: index % 14 === 0 } }));
  }
  return variables;
}

function seedTenants(b: SeedBuilder, base: Base, tenanted: Doc[]): void {
  const shared = base.libraries[0] as Doc;
  const sharedTemplates = templateIds(shared);
  TENANTS.forEach((name, tenantIndex) => {
    // Each tenanted project k connects tenants k, k+1, k+2 (mod the tenant count).
    // Tenant t serves project k when (t - k) mod n < 3; JavaScript's % keeps the sign, so it is
    // made non-negative first (a negative remainder would connect every later project).
    const connected = tenanted.filter((_project, k) => (((tenantIndex - k) % TENANTS.length) + TENANTS.length) % TENANTS.length < TENANTS_PER_PROJECT);
    const environments = (k: number) => (k % 2 === 0 ? [base.env.test, base.env.production] : [base.env.production]);
    const projectEnvironments = Object.fromEntries(connected.map((project) => [project.Id, environments(tenanted.indexOf(project))]));
    const tenant = b.create('tenants', {
      Name: name,
      Description: `Synthetic tenant ${name}.`,
      TenantTags: [`Tier/${TIERS[tenantIndex % TIERS.length]}`, `Region/${REGIONS[tenantIndex % REGIONS.length]}`],
      ProjectEnvironments: projectEnvironments,
    });
    const projectVariables: Record<string, unknown> = {};
    for (const project of connected) {
      const templates = templateIds(project);
      const values: Record<string, Record<string, unknown>> = {};
      for (const environmentId of projectEnvironments[project.Id] ?? []) {
        values[environmentId] = {
          [templates['Tenant.Hostname'] ?? '']: `${name.toLowerCase()}.${String(project.Slug)}.synthetic.example`,
          [templates['Tenant.Secret'] ?? '']: secret(`tenant-${name.toLowerCase()}-${project.Id}-${environmentId}`),
        };
      }
      projectVariables[project.Id] = { ProjectId: project.Id, ProjectName: project.Name, Templates: project.Templates, Variables: values };
    }
    // A tenant holds values only for what its connected projects use (no connection, no values).
    if (connected.length === 0) return;
    replaceTenantVariables(b.instance, b.spaceId, tenant.Id, {
      ProjectVariables: projectVariables,
      LibraryVariables: {
        [shared.Id]: {
          LibraryVariableSetId: shared.Id,
          LibraryVariableSetName: shared.Name,
          Templates: shared.Templates,
          Variables: { [sharedTemplates['Customer.Name'] ?? '']: `${name} Ltd.`, [sharedTemplates['Customer.ApiKey'] ?? '']: secret(`customer-api-key-${name.toLowerCase()}`) },
        },
      },
    });
  });
}

/** The element at `index`, wrapping around. */
function pick<T>(list: readonly T[], index: number): T {
  return list[index % list.length] as T;
}

function templateIds(owner: Doc): Record<string, string> {
  return Object.fromEntries(((owner.Templates as { Id: string; Name: string }[] | undefined) ?? []).map((t) => [t.Name, t.Id]));
}
